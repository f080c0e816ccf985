/* tests/prog/stat64_check.h — an i386 struct stat64 as written by fstat64,
 * checked against the host libc's struct stat of the same file: the test
 * programs regs.c (i386) and regs64.c (x86-64, int $0x80) both use it.
 * The buffer was filled with 0xa5 first: the pads (bytes 8-11, 40-43) are
 * written by neither the kernel's cp_stat64 nor the personality, and
 * nothing past the 96 bytes is. */
#ifndef TEST_PROG_STAT64_CHECK_H
#define TEST_PROG_STAT64_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* 0 if b holds st as i386 struct stat64, else 1 and a line saying so */
static int stat64_wrong(const uint8_t *b, const struct stat *st)
{
	uint64_t dev, ino, size, blocks;
	uint32_t ino32, mode, nlink, mtime;

	memcpy(&dev, b + 0, 8), memcpy(&ino32, b + 12, 4), memcpy(&mode, b + 16, 4);
	memcpy(&nlink, b + 20, 4), memcpy(&size, b + 44, 8), memcpy(&blocks, b + 56, 8);
	memcpy(&mtime, b + 72, 4), memcpy(&ino, b + 88, 8);
	if (dev == (uint64_t)st->st_dev && ino == (uint64_t)st->st_ino && ino32 == (uint32_t)st->st_ino &&
	    mode == st->st_mode && nlink == (uint32_t)st->st_nlink && size == (uint64_t)st->st_size &&
	    blocks == (uint64_t)st->st_blocks && mtime == (uint32_t)st->st_mtime &&
	    b[8] == 0xa5 && b[11] == 0xa5 && b[40] == 0xa5 && b[43] == 0xa5 && b[96] == 0xa5)
		return 0;
	printf("  fstat64: the struct stat64 written differs from fstat's\n");
	return 1;
}

#endif
