/* tests/prog/fileio.c DIR — files: create, write, read back, seek, stat,
 * rename, directory listing, unlink; leaves DIR/kept with known contents. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAILED: %s: %s\n", #x, strerror(errno)); return 1; } } while (0)

int main(int argc, char **argv)
{
	char path[4096], path2[4096], buf[256];
	struct stat st;

	if (argc != 2)
		return 2;
	snprintf(path, sizeof(path), "%s/a.txt", argv[1]);
	snprintf(path2, sizeof(path2), "%s/kept", argv[1]);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0640);
	CHECK(fd >= 0);
	printf("fd %d\n", fd);
	for (int i = 0; i < 100; i++)
		CHECK(dprintf(fd, "line %d\n", i) > 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 890);
	CHECK(lseek(fd, 5, SEEK_SET) == 5);
	CHECK(read(fd, buf, 6) == 6);
	buf[6] = 0;
	printf("read at 5: '%s'\n", buf);
	CHECK(pread(fd, buf, 4, 888) == 2);
	CHECK(fstat(fd, &st) == 0);
	printf("size %lld mode %o nlink %d\n", (long long)st.st_size, st.st_mode & 0777, (int)st.st_nlink);
	CHECK(ftruncate(fd, 100) == 0);
	CHECK(close(fd) == 0);
	CHECK(stat(path, &st) == 0);
	printf("after truncate %lld\n", (long long)st.st_size);
	CHECK(rename(path, path2) == 0);
	CHECK(access(path, F_OK) < 0 && errno == ENOENT);
	printf("open missing: %s\n", open(path, O_RDONLY) < 0 ? strerror(errno) : "opened?");
	CHECK(mkdir(path, 0700) == 0);
	CHECK(rmdir(path) == 0);
	DIR *d = opendir(argv[1]);
	CHECK(d);
	int entries = 0;
	for (struct dirent *e; (e = readdir(d));)
		entries += e->d_name[0] != '.';
	closedir(d);
	printf("entries %d\n", entries);
	FILE *f = fopen(path2, "a");
	CHECK(f);
	fprintf(f, "appended\n");
	fclose(f);
	CHECK(symlink("kept", path) == 0);
	ssize_t n = readlink(path, buf, sizeof(buf));
	CHECK(n == 4);
	CHECK(unlink(path) == 0);
	printf("done\n");
	return 0;
}
