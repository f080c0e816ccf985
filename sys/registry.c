/* sys/registry.c — the registry of personality images.
 *
 *   persona install NAME FILE   copy FILE into the registry as NAME
 *   persona list                name, file, what it serves, size, sha256
 *
 * The registry is a directory: $PERSONA_REGISTRY, else PERSONA_LIBDIR
 * ($(PREFIX)/lib/persona). Each image is NAME.img there. An install writes a
 * new file and renames it into place, so a process that already mapped the
 * old image keeps it, and the next `persona run` (or an execve under
 * persona) maps the new one. `persona run` picks the first image, by name
 * order, that serves the program's ELF class, machine and OS ABI; when none
 * is registered it uses the image built beside the persona binary (the build
 * tree).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/persona.h"
#include "sys/exec/loader.h"
#include "personality/image_abi.h"

#include "libdir.h"     /* PERSONA_LIBDIR: $(PREFIX)/lib/persona, generated */
#define IMAGE_SUFFIX ".img"
#define BUILD_TREE_IMAGE "linux-i386.img"

static const char *registry_dir(void)
{
	const char *d = getenv("PERSONA_REGISTRY");
	return d && *d ? d : PERSONA_LIBDIR;
}

/* ---- SHA-256 (FIPS 180-4), for `persona list` ------------------------- */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t  buf[64];
	size_t   n;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
	s->len += n;
	while (n) {
		size_t k = 64 - s->n < n ? 64 - s->n : n;
		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		n -= k;
		if (s->n == 64) {
			sha256_block(s, s->buf);
			s->n = 0;
		}
	}
}

static void sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];

	sha256_update(s, &pad, 1);
	while (s->n != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, lenb, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

static int file_sha256(const char *path, char out[65])
{
	uint8_t buf[65536];
	struct sha256 s;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	sha256_hex(&s, out);
	return 0;
}

/* ---- reading an image's header from its file -------------------------- */

static int read_header(const char *path, struct persona_image_header *h, char *err, size_t errlen)
{
	struct elf_file e;
	int eno;

	if (elf_open(&e, path, err, errlen, &eno) < 0)
		return -1;
	int r = -1;
	snprintf(err, errlen, "not a personality image");
	if (e.bits == 64 && e.type == ET_EXEC && !e.interp[0]) {
		for (unsigned i = 0; i < e.phnum; i++) {
			const struct elf_seg *s = &e.ph[i];
			if (s->type != PT_LOAD || s->vaddr > PERSONA_IMAGE_BASE ||
			    s->vaddr + s->filesz < PERSONA_IMAGE_BASE + sizeof(*h))
				continue;
			if (pread(e.fd, h, sizeof(*h), (off_t)(s->offset + PERSONA_IMAGE_BASE - s->vaddr)) == sizeof(*h) &&
			    h->magic == PERSONA_IMAGE_MAGIC && h->header_size == sizeof(*h)) {
				if (h->version != PERSONA_IMAGE_VERSION)
					snprintf(err, errlen, "personality image version %u, this persona needs %u",
						 h->version, PERSONA_IMAGE_VERSION);
				else
					r = 0;
			}
			break;
		}
	}
	elf_close(&e);
	return r;
}

static int serves(const struct persona_image_header *h, int bits, uint16_t machine, uint8_t osabi)
{
	for (uint32_t i = 0; i < h->nserves && i < PERSONA_SERVES_MAX; i++)
		if (h->serves[i].ei_class == (bits == 32 ? ELFCLASS32 : ELFCLASS64) &&
		    h->serves[i].e_machine == machine && h->serves[i].ei_osabi == osabi)
			return 1;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_image_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > strlen(IMAGE_SUFFIX) &&
	       !strcmp(d->d_name + n - strlen(IMAGE_SUFFIX), IMAGE_SUFFIX);
}

/* Why the last candidate image was passed over (a version mismatch, say). */
static char rejected[PATH_MAX + 256];

const char *registry_rejected(void)
{
	return rejected[0] ? rejected : NULL;
}

int registry_find(int bits, uint16_t machine, uint8_t osabi, char *out, size_t outlen)
{
	struct dirent **list;
	struct persona_image_header h;
	char path[PATH_MAX], err[128];
	int n = scandir(registry_dir(), &list, is_image_name, by_name), found = -1;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", registry_dir(), list[i]->d_name);
		if (found < 0 && read_header(path, &h, err, sizeof(err)) < 0)
			snprintf(rejected, sizeof(rejected), "%s: %s", path, err);
		else if (found < 0 && serves(&h, bits, machine, osabi)) {
			snprintf(out, outlen, "%s", path);
			found = 0;
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	if (found == 0)
		return 0;

	/* the build tree: the image beside the persona binary */
	ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (len <= 0)
		return -1;
	path[len] = 0;
	char *slash = strrchr(path, '/');
	if (!slash)
		return -1;
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s", BUILD_TREE_IMAGE);
	if (access(path, F_OK) < 0)
		return -1;
	if (read_header(path, &h, err, sizeof(err)) < 0) {
		snprintf(rejected, sizeof(rejected), "%s: %s", path, err);
		return -1;
	}
	if (serves(&h, bits, machine, osabi)) {
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	return -1;
}

/* ---- the commands ----------------------------------------------------- */

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int cmd_install(int argc, char **argv)
{
	struct persona_image_header h;
	char err[256], dst[PATH_MAX], tmp[PATH_MAX];

	if (argc != 3) {
		fprintf(stderr, "usage: persona install NAME FILE\n");
		return 2;
	}
	const char *name = argv[1], *file = argv[2], *dir = registry_dir();
	if (!valid_name(name)) {
		fprintf(stderr, "persona install: bad name '%s' (letters, digits, - _ .)\n", name);
		return 2;
	}
	if (read_header(file, &h, err, sizeof(err)) < 0) {
		fprintf(stderr, "persona install: %s: %s\n", file, err);
		return 1;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "persona install: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(dst, sizeof(dst), "%s/%s%s", dir, name, IMAGE_SUFFIX);
	snprintf(tmp, sizeof(tmp), "%s/.%s%s.%d", dir, name, IMAGE_SUFFIX, (int)getpid());

	int in = open(file, O_RDONLY | O_CLOEXEC);
	int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		fprintf(stderr, "persona install: %s: %s\n", in < 0 ? file : tmp, strerror(errno));
		return 1;
	}
	char buf[65536];
	ssize_t n;
	int bad = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			bad = 1;
	if (n < 0 || bad || fsync(out) < 0 || close(out) < 0 || rename(tmp, dst) < 0) {
		fprintf(stderr, "persona install: %s: %s\n", dst, strerror(errno ? errno : EIO));
		unlink(tmp);
		close(in);
		return 1;
	}
	close(in);
	printf("installed %s as %s\n", file, dst);
	return 0;
}

static void describe(const char *name, const char *path)
{
	struct persona_image_header h;
	struct stat st;
	char err[256], sum[65] = "?";

	if (read_header(path, &h, err, sizeof(err)) < 0) {
		printf("%-16s %s  (%s)\n", name, path, err);
		return;
	}
	file_sha256(path, sum);
	stat(path, &st);
	printf("%-16s %s\n", name, path);
	printf("    personality %.32s, image version %u, %lld bytes, sha256 %s\n",
	       h.name, h.version, (long long)st.st_size, sum);
	printf("    serves:");
	for (uint32_t i = 0; i < h.nserves && i < PERSONA_SERVES_MAX; i++)
		printf(" ELF%u/%s/osabi=%u", h.serves[i].ei_class == ELFCLASS32 ? 32 : 64,
		       h.serves[i].e_machine == EM_386 ? "i386" :
		       h.serves[i].e_machine == EM_X86_64 ? "x86-64" : "?", h.serves[i].ei_osabi);
	printf("\n");
}

int cmd_list(int argc, char **argv)
{
	struct dirent **list;
	char path[PATH_MAX];
	(void)argv;

	if (argc != 1) {
		fprintf(stderr, "usage: persona list\n");
		return 2;
	}
	int n = scandir(registry_dir(), &list, is_image_name, by_name);
	printf("registry %s:%s\n", registry_dir(), n > 0 ? "" : " (empty)");
	for (int i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name) - strlen(IMAGE_SUFFIX);
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)len, list[i]->d_name);
		snprintf(path, sizeof(path), "%s/%s", registry_dir(), list[i]->d_name);
		describe(name, path);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	if (n <= 0) {
		ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 1);
		if (len > 0) {
			path[len] = 0;
			char *slash = strrchr(path, '/');
			snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s", BUILD_TREE_IMAGE);
			if (access(path, R_OK) == 0) {
				printf("nothing registered; persona run uses the build tree's image:\n");
				describe("(build tree)", path);
			}
		}
	}
	return 0;
}
