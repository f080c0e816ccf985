/* tests/prog/dyn.c — libc at work: stdio, malloc of many sizes, time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	size_t total = 0;
	char *blocks[200];

	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)1 << (i % 22);
		blocks[i] = malloc(n);
		if (!blocks[i]) {
			printf("malloc %zu failed\n", n);
			return 1;
		}
		memset(blocks[i], i, n);
		total += n;
	}
	for (int i = 0; i < 200; i++)
		if (blocks[i][((size_t)1 << (i % 22)) - 1] != (char)i) {
			printf("block %d corrupt\n", i);
			return 1;
		}
	for (int i = 0; i < 200; i++)
		free(blocks[i]);
	printf("malloc: %zu bytes in 200 blocks\n", total);
	char *big = realloc(NULL, 64 << 20);
	printf("64 MiB: %s\n", big ? "ok" : "failed");
	free(big);

	time_t t = time(NULL);
	struct timeval tv;
	struct timespec ts, mono;
	gettimeofday(&tv, NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	printf("clocks agree: %s\n", (ts.tv_sec - t <= 2 && tv.tv_sec - t <= 2 && t > 1600000000) ? "yes" : "no");
	printf("monotonic: %s\n", mono.tv_sec >= 0 ? "yes" : "no");
	struct tm tm;
	time_t fixed = 1000000000;
	gmtime_r(&fixed, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %a", &tm);
	printf("gmtime: %s\n", buf);
	setenv("TZ", "UTC", 1);
	tzset();
	localtime_r(&fixed, &tm);
	strftime(buf, sizeof(buf), "%c", &tm);
	printf("localtime: %s\n", buf);
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	fprintf(m, "%d %s %.3f", 42, "words", 3.14159);
	fclose(m);
	printf("memstream: '%s' %zu\n", s, len);
	free(s);
	return 0;
}
