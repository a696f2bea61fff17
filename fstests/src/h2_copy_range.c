/*
 * h2_copy_range [-1] [-f FLAGS] [-a] SRC SRCOFF DST DSTOFF LEN: copy_file_range(2) of LEN bytes,
 * repeated until LEN are copied or a call returns 0 (the source's end); prints "copied N" or
 * the error's name. SRC is opened read-only, DST read-write (created if missing; -a: O_APPEND).
 * -1: one call only (its return value is printed). -f: the flags argument (must be 0).
 * SRC and DST may be the same path (two opens of one file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int once = 0, opt, oflags = O_RDWR | O_CREAT;
	unsigned flags = 0;
	while ((opt = getopt(argc, argv, "1af:")) != -1) {
		switch (opt) {
		case '1': once = 1; break;
		case 'a': oflags |= O_APPEND; break;
		case 'f': flags = (unsigned)strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (argc - optind != 5) {
		fprintf(stderr, "usage: h2_copy_range [-1] [-a] [-f FLAGS] SRC SRCOFF DST DSTOFF LEN\n");
		return 2;
	}
	char **v = argv + optind;
	int in = open(v[0], O_RDONLY);
	if (in < 0) {
		printf("open %s: %s\n", "source", strerrorname_np(errno));
		return 1;
	}
	int out = open(v[2], oflags, 0644);
	if (out < 0) {
		printf("open %s: %s\n", "destination", strerrorname_np(errno));
		return 1;
	}
	loff_t inoff = strtoll(v[1], NULL, 0), outoff = strtoll(v[3], NULL, 0);
	long long len = strtoll(v[4], NULL, 0), done = 0;
	do {
		ssize_t n = copy_file_range(in, &inoff, out, &outoff, len - done, flags);
		if (n < 0) {
			printf("%s\n", strerrorname_np(errno));
			return 1;
		}
		done += n;
		if (n == 0)
			break;
	} while (!once && done < len);
	printf("copied %lld\n", done);
	return 0;
}
