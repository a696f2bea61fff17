/*
 * fstests_rename FLAG OLD NEW: renameat2(2) with FLAG none, noreplace, exchange or whiteout;
 * prints "ok" or the error's name and message (EEXIST: File exists), so tests see which error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/fs.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fstests_rename none|noreplace|exchange|whiteout OLD NEW\n");
		return 2;
	}
	unsigned flags;
	if (!strcmp(argv[1], "none")) flags = 0;
	else if (!strcmp(argv[1], "noreplace")) flags = RENAME_NOREPLACE;
	else if (!strcmp(argv[1], "exchange")) flags = RENAME_EXCHANGE;
	else if (!strcmp(argv[1], "whiteout")) flags = RENAME_WHITEOUT;
	else { fprintf(stderr, "fstests_rename: unknown flag %s\n", argv[1]); return 2; }
	if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], flags) == 0) {
		puts("ok");
		return 0;
	}
	printf("%s: %s\n", strerrorname_np(errno), strerror(errno));
	return 1;
}
