/*
 * h3_xattr: extended-attribute system calls with the caller's buffer sizes and flags, for the
 * tests that check what setfattr/getfattr cannot show (ERANGE of a too-small buffer, the size
 * queries, XATTR_CREATE/XATTR_REPLACE, E2BIG). Errors are printed by their errno name.
 *
 *   h3_xattr [-h] [-r N] -c COMMAND [-c COMMAND]... PATH
 *
 * -h: the l*xattr calls (do not follow a final symlink). -r N: run the command list N times,
 * printing nothing for commands that succeed; the first failure is printed (with its round)
 * and stops the run; at the end "N rounds ok".
 * Commands:
 *   set NAME LEN [create|replace] [SEED]  setxattr of LEN pattern bytes (SEED varies them)
 *   setv NAME TEXT [create|replace]       setxattr of TEXT (without a NUL)
 *   get NAME [BUFSIZE]       getxattr with a buffer of BUFSIZE (default 65536); BUFSIZE 0 asks
 *                            the size: prints "get NAME: size N", else "get NAME: N bytes sum X"
 *   getv NAME                getxattr; prints the value as text: get NAME: "TEXT"
 *   list [BUFSIZE]           listxattr (default 65536); 0 asks the size ("list: size N"), else
 *                            prints "list: N names, B bytes" and the names, sorted, one a line
 *                            (bytes outside printable ASCII as \\xNN, in names and in getv)
 *   remove NAME              removexattr
 * NAME "(empty)" stands for the empty name; words are separated by spaces (no quoting).
 * A failing command prints "COMMAND NAME: ERRNO" (e.g. "get user.a: ENODATA") on stdout.
 * Exit status 1 when a command failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_COMMANDS 256
#define MAX_WORDS 8

static int nofollow, quiet, failed;
static long round_no;

static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "h3_xattr: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static void report_error(const char *cmd, const char *name)
{
	int e = errno;
	if (quiet)
		printf("round %ld: ", round_no);
	if (name)
		printf("%s %s: %s\n", cmd, name, errname(e));
	else
		printf("%s: %s\n", cmd, errname(e));
	failed = 1;
}

static int flag_word(const char *w)
{
	if (!w || !strcmp(w, "0"))
		return 0;
	if (!strcmp(w, "create"))
		return XATTR_CREATE;
	if (!strcmp(w, "replace"))
		return XATTR_REPLACE;
	fprintf(stderr, "h3_xattr: flag must be create, replace or 0: %s\n", w);
	exit(2);
}

static int do_set(const char *path, const char *name, const void *v, size_t n, int flags)
{
	return nofollow ? lsetxattr(path, name, v, n, flags) : setxattr(path, name, v, n, flags);
}

static ssize_t do_get(const char *path, const char *name, void *v, size_t n)
{
	return nofollow ? lgetxattr(path, name, v, n) : getxattr(path, name, v, n);
}

static ssize_t do_list(const char *path, char *v, size_t n)
{
	return nofollow ? llistxattr(path, v, n) : listxattr(path, v, n);
}

static int do_remove(const char *path, const char *name)
{
	return nofollow ? lremovexattr(path, name) : removexattr(path, name);
}

/* Prints bytes, those outside printable ASCII (and \\ and ") as \\xNN. */
static void print_escaped(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *alloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		perror("h3_xattr: memory");
		exit(2);
	}
	return p;
}

static void run(const char *path, int argc, char **argv)
{
	const char *cmd = argv[0];
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "(empty)"))
			argv[i] = "";
	if (!strcmp(cmd, "set") && argc >= 3 && argc <= 5) {
		size_t len = number(argv[2]);
		unsigned seed = argc == 5 ? number(argv[4]) : 0;
		unsigned char *v = alloc(len);
		for (size_t i = 0; i < len; i++)
			v[i] = (unsigned char)(i * 131 + i / 256 + seed * 7 + 1);
		if (do_set(path, argv[1], v, len, flag_word(argc >= 4 ? argv[3] : NULL)))
			report_error(cmd, argv[1]);
		else if (!quiet)
			printf("set %s: ok\n", argv[1]);
		free(v);
	} else if (!strcmp(cmd, "setv") && argc >= 3 && argc <= 4) {
		if (do_set(path, argv[1], argv[2], strlen(argv[2]), flag_word(argc == 4 ? argv[3] : NULL)))
			report_error("set", argv[1]);
		else if (!quiet)
			printf("set %s: ok\n", argv[1]);
	} else if (!strcmp(cmd, "get") && argc >= 2 && argc <= 3) {
		size_t size = argc == 3 ? (size_t)number(argv[2]) : 65536;
		unsigned char *v = alloc(size);
		ssize_t n = do_get(path, argv[1], size ? v : NULL, size);
		if (n < 0)
			report_error(cmd, argv[1]);
		else if (quiet)
			;
		else if (size == 0)
			printf("get %s: size %zd\n", argv[1], n);
		else
			printf("get %s: %zd bytes sum %016llx\n", argv[1], n,
			       (unsigned long long)checksum(v, n));
		free(v);
	} else if (!strcmp(cmd, "getv") && argc == 2) {
		char *v = alloc(65537);
		ssize_t n = do_get(path, argv[1], v, 65536);
		if (n < 0) {
			report_error("get", argv[1]);
		} else if (!quiet) {
			printf("get %s: \"", argv[1]);
			print_escaped(v, n);
			printf("\"\n");
		}
		free(v);
	} else if (!strcmp(cmd, "list") && argc <= 2) {
		size_t size = argc == 2 ? (size_t)number(argv[1]) : 65536;
		char *v = alloc(size + 1);
		ssize_t n = do_list(path, size ? v : NULL, size);
		if (n < 0) {
			report_error(cmd, NULL);
		} else if (quiet) {
			;
		} else if (size == 0) {
			printf("list: size %zd\n", n);
		} else {
			v[n] = '\0';
			char **names = alloc(sizeof(char *) * (n + 1));
			size_t count = 0;
			for (ssize_t i = 0; i < n; i += strlen(v + i) + 1)
				names[count++] = v + i;
			qsort(names, count, sizeof(char *), compare_names);
			printf("list: %zu names, %zd bytes\n", count, n);
			for (size_t i = 0; i < count; i++) {
				printf("  ");
				print_escaped(names[i], strlen(names[i]));
				printf("\n");
			}
			free(names);
		}
		free(v);
	} else if (!strcmp(cmd, "remove") && argc == 2) {
		if (do_remove(path, argv[1]))
			report_error(cmd, argv[1]);
		else if (!quiet)
			printf("remove %s: ok\n", argv[1]);
	} else {
		fprintf(stderr, "h3_xattr: bad command: %s (with %d words)\n", cmd, argc);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	char *commands[MAX_COMMANDS];
	int ncommands = 0, opt;
	long rounds = 1;

	while ((opt = getopt(argc, argv, "hr:c:")) != -1) {
		switch (opt) {
		case 'h': nofollow = 1; break;
		case 'r': rounds = number(optarg); quiet = 1; break;
		case 'c':
			if (ncommands == MAX_COMMANDS) {
				fprintf(stderr, "h3_xattr: too many commands\n");
				return 2;
			}
			commands[ncommands++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: h3_xattr [-h] [-r N] -c COMMAND... PATH\n");
			return 2;
		}
	}
	if (optind != argc - 1 || ncommands == 0) {
		fprintf(stderr, "usage: h3_xattr [-h] [-r N] -c COMMAND... PATH\n");
		return 2;
	}
	const char *path = argv[optind];
	for (round_no = 1; round_no <= rounds && !failed; round_no++) {
		for (int c = 0; c < ncommands && !(quiet && failed); c++) {
			char *copy = strdup(commands[c]), *words[MAX_WORDS], *save;
			int n = 0;
			for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
				if (n == MAX_WORDS) {
					fprintf(stderr, "h3_xattr: too many words: %s\n", commands[c]);
					return 2;
				}
				words[n++] = w;
			}
			if (n == 0) {
				fprintf(stderr, "h3_xattr: empty command\n");
				return 2;
			}
			run(path, n, words);
			free(copy);
		}
	}
	if (quiet && !failed)
		printf("%ld rounds ok\n", rounds);
	return failed;
}
