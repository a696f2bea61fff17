/*
 * h2_falloc [-r] PATH MODE OFF LEN: one fallocate(2) with MODE given as flag names joined by
 * '+' (alloc, keep, punch, zero, collapse, insert, or a number); prints "ok" or the error's name
 * (EOPNOTSUPP, EBADF, ...), so tests see which error. -r opens PATH read-only. PATH is opened
 * as it is (not created): a FIFO, a device or a regular file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>

static int mode_of(char *s)
{
	int mode = 0;
	for (char *w = strtok(s, "+"); w; w = strtok(NULL, "+")) {
		if (!strcmp(w, "alloc")) ;
		else if (!strcmp(w, "keep")) mode |= FALLOC_FL_KEEP_SIZE;
		else if (!strcmp(w, "punch")) mode |= FALLOC_FL_PUNCH_HOLE;
		else if (!strcmp(w, "zero")) mode |= FALLOC_FL_ZERO_RANGE;
		else if (!strcmp(w, "collapse")) mode |= FALLOC_FL_COLLAPSE_RANGE;
		else if (!strcmp(w, "insert")) mode |= FALLOC_FL_INSERT_RANGE;
		else mode |= (int)strtol(w, NULL, 0);
	}
	return mode;
}

int main(int argc, char **argv)
{
	int flags = O_RDWR, a = 1;
	if (argc > 1 && !strcmp(argv[1], "-r")) {
		flags = O_RDONLY;
		a = 2;
	}
	if (argc - a != 4) {
		fprintf(stderr, "usage: h2_falloc [-r] PATH MODE OFF LEN\n");
		return 2;
	}
	int fd = open(argv[a], flags | O_NONBLOCK);
	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno));
		return 1;
	}
	int mode = mode_of(argv[a + 1]);
	long long off = strtoll(argv[a + 2], NULL, 0), len = strtoll(argv[a + 3], NULL, 0);
	if (fallocate(fd, mode, off, len)) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	puts("ok");
	return 0;
}
