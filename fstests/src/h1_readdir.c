/*
 * h1_readdir: what readdir(3)/getdents64(2) return for a directory, checked against lstat.
 *
 *   h1_readdir list DIR     each entry: "NAME TYPE INO" where TYPE is d_type (file dir symlink
 *                           fifo sock chr blk unknown) and INO is "ino-ok" when d_ino is the
 *                           st_ino of lstat(DIR/NAME) (for "." stat(DIR), for ".." stat(DIR/..)),
 *                           else "ino-bad"; then "type-bad" when d_type is neither the lstat
 *                           type nor DT_UNKNOWN
 *   h1_readdir hex DIR      the names but . and .., in hex (two digits a byte), one a line
 *   h1_readdir mkhex DIR    creates DIR/NAME for each hex-encoded NAME on stdin: "made N", or
 *                           "HEX: ERR" for each failure
 *   h1_readdir lookhex DIR  lstat of DIR/NAME for each hex NAME on stdin: "found N" or failures
 *   h1_readdir count DIR    "entries N duplicates D dot K dotdot K" (N without . and ..)
 *   h1_readdir churn DIR S V BUFSIZE
 *                           creates s0..s(S-1) (stay) and v0..v(V-1) (victims), then reads the
 *                           directory with getdents64 into a BUFSIZE buffer; after each call it
 *                           unlinks one victim and creates one new file a0, a1, ...; prints
 *                           whether every s-file came exactly once, and v/a files at most once
 *   h1_readdir seek DIR     telldir before every readdir; then seekdir to many of those
 *                           positions (backwards and forwards) must give the same entry and the
 *                           ones after it; seekdir to the end gives no more; rewinddir all again
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *dtype(unsigned char t)
{
	switch (t) {
	case DT_REG: return "file";
	case DT_DIR: return "dir";
	case DT_LNK: return "symlink";
	case DT_FIFO: return "fifo";
	case DT_SOCK: return "sock";
	case DT_CHR: return "chr";
	case DT_BLK: return "blk";
	}
	return "unknown";
}

static unsigned char mode_dtype(mode_t m)
{
	return IFTODT(m);
}

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "h1_readdir: %s %s: %s\n", what, arg, strerror(errno));
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) die("opendir", dir);
	struct dirent *e;
	char path[8192];
	int bad = 0;
	errno = 0;
	while ((e = readdir(d))) {
		struct stat st;
		int r;
		if (!strcmp(e->d_name, ".")) {
			r = stat(dir, &st);
		} else if (!strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/..", dir);
			r = stat(path, &st);
		} else {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			r = lstat(path, &st);
		}
		if (r) {
			printf("%s %s lstat-%s\n", e->d_name, dtype(e->d_type), strerrorname_np(errno));
			bad = 1;
			continue;
		}
		int inook = e->d_ino == st.st_ino;
		int typeok = e->d_type == DT_UNKNOWN || e->d_type == mode_dtype(st.st_mode);
		printf("%s %s %s%s\n", e->d_name, dtype(e->d_type), inook ? "ino-ok" : "ino-bad",
		       typeok ? "" : " type-bad");
		if (!inook || !typeok) bad = 1;
		errno = 0;
	}
	if (errno) die("readdir", dir);
	closedir(d);
	return bad;
}

static int hex(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) die("opendir", dir);
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (const unsigned char *p = (const unsigned char *)e->d_name; *p; p++)
			printf("%02x", *p);
		putchar('\n');
		errno = 0;
	}
	if (errno) die("readdir", dir);
	closedir(d);
	return 0;
}

static int count(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) die("opendir", dir);
	size_t n = 0, cap = 1024, dot = 0, dotdot = 0, dups = 0;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".")) dot++;
		else if (!strcmp(e->d_name, "..")) dotdot++;
		else {
			if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
			names[n++] = strdup(e->d_name);
		}
		errno = 0;
	}
	if (errno) die("readdir", dir);
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(names[i], names[i - 1])) dups++;
	printf("entries %zu duplicates %zu dot %zu dotdot %zu\n", n, dups, dot, dotdot);
	return 0;
}

static void touch(const char *dir, char kind, long i)
{
	char path[8192];
	snprintf(path, sizeof path, "%s/%c%ld", dir, kind, i);
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0) die("create", path);
	close(fd);
}

static int churn(const char *dir, long s, long v, long bufsize)
{
	char path[8192];
	for (long i = 0; i < s; i++) touch(dir, 's', i);
	for (long i = 0; i < v; i++) touch(dir, 'v', i);
	int *seen_s = calloc(s, sizeof(int)), *seen_v = calloc(v, sizeof(int));
	long cap = 1 << 20;
	int *seen_a = calloc(cap, sizeof(int));
	long dot = 0, dotdot = 0, other = 0, calls = 0, added = 0, removed = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) die("open", dir);
	char *buf = malloc(bufsize);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, bufsize);
		if (n < 0) die("getdents64", dir);
		if (n == 0) break;
		if (++calls > 1000000) { puts("getdents64 did not reach the end"); return 1; }
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			const char *nm = e->d_name;
			char *end;
			long k = strtol(nm + 1, &end, 10);
			int numbered = nm[0] && nm[1] && *end == '\0';
			if (!strcmp(nm, ".")) dot++;
			else if (!strcmp(nm, "..")) dotdot++;
			else if (numbered && nm[0] == 's' && k >= 0 && k < s) seen_s[k]++;
			else if (numbered && nm[0] == 'v' && k >= 0 && k < v) seen_v[k]++;
			else if (numbered && nm[0] == 'a' && k >= 0 && k < cap) seen_a[k]++;
			else other++;
			off += e->d_reclen;
		}
		if (removed < v) {
			snprintf(path, sizeof path, "%s/v%ld", dir, (removed * 7919) % v);
			if (unlink(path)) die("unlink", path);
			removed++;
		}
		if (added < cap) touch(dir, 'a', added++);
	}
	close(fd);
	long s_missing = 0, s_dup = 0, v_dup = 0, a_dup = 0;
	for (long i = 0; i < s; i++) {
		if (seen_s[i] == 0) s_missing++;
		if (seen_s[i] > 1) s_dup++;
	}
	for (long i = 0; i < v; i++) if (seen_v[i] > 1) v_dup++;
	for (long i = 0; i < added; i++) if (seen_a[i] > 1) a_dup++;
	fprintf(stderr, "getdents64 calls %ld, victims removed %ld, files added %ld\n", calls, removed, added);
	if (s_missing || s_dup) printf("entries present throughout: %ld missing, %ld more than once\n", s_missing, s_dup);
	else puts("entries present throughout: each exactly once");
	if (v_dup || a_dup) printf("entries removed or added meanwhile: %ld removed, %ld added ones more than once\n", v_dup, a_dup);
	else puts("entries removed or added meanwhile: none more than once");
	printf("dot %ld dotdot %ld unexpected %ld\n", dot, dotdot, other);
	return 0;
}

static int seek(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) die("opendir", dir);
	size_t n = 0, cap = 1024;
	long *pos = malloc(cap * sizeof *pos);
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	for (;;) {
		if (n == cap) {
			cap *= 2;
			pos = realloc(pos, cap * sizeof *pos);
			names = realloc(names, cap * sizeof *names);
		}
		pos[n] = telldir(d);
		errno = 0;
		e = readdir(d);
		if (!e) break;
		names[n++] = strdup(e->d_name);
	}
	if (errno) die("readdir", dir);
	long end = pos[n];
	printf("read %zu entries\n", n);
	int bad = 0;
	long checked = 0;
	/* backwards through every 17th position, then forwards through every 29th */
	for (long pass = 0; pass < 2; pass++) {
		for (long j = 0; j < (long)n; j++) {
			long i = pass == 0 ? (long)n - 1 - j : j;
			if (pass == 0 ? (i % 17 != 0 && i != (long)n - 1) : (i % 29 != 5))
				continue;
			seekdir(d, pos[i]);
			for (long k = i; k < (long)n && k < i + 3; k++) {
				errno = 0;
				e = readdir(d);
				if (!e || strcmp(e->d_name, names[k])) {
					if (bad < 5)
						printf("seekdir to position %ld: entry %ld is %s, was %s\n", i, k,
						       e ? e->d_name : "(end)", names[k]);
					bad++;
					break;
				}
			}
			checked++;
		}
	}
	seekdir(d, end);
	errno = 0;
	e = readdir(d);
	printf("seekdir to the end: %s\n", e ? "an entry" : errno ? strerrorname_np(errno) : "no more entries");
	rewinddir(d);
	size_t again = 0;
	char **names2 = malloc((n + 1) * sizeof *names2);
	while ((e = readdir(d)) && again <= n)
		names2[again++] = strdup(e->d_name);
	int same = again == n;
	if (same) {
		char **a = malloc(n * sizeof *a), **b = malloc(n * sizeof *b);
		memcpy(a, names, n * sizeof *a);
		memcpy(b, names2, n * sizeof *b);
		qsort(a, n, sizeof *a, cmp);
		qsort(b, n, sizeof *b, cmp);
		for (size_t i = 0; i < n; i++)
			if (strcmp(a[i], b[i])) same = 0;
	}
	printf("rewinddir: %s\n", same ? "the same entries again" : "different entries");
	fprintf(stderr, "checked %ld positions\n", checked);
	printf("seekdir to telldir positions: %s\n", bad ? "WRONG" : "each gives the same entries");
	closedir(d);
	return 0;
}

static int hexnames(const char *dir, int making)
{
	char line[1024], name[600], path[8192];
	long ok = 0;
	int bad = 0;
	while (fgets(line, sizeof line, stdin)) {
		size_t n = strcspn(line, "\r\n"), k = 0;
		line[n] = '\0';
		if (n == 0 || n % 2 || n / 2 >= sizeof name) { fprintf(stderr, "h1_readdir: bad hex %s\n", line); return 2; }
		for (size_t i = 0; i < n; i += 2) {
			unsigned v;
			sscanf(line + i, "%2x", &v);
			name[k++] = (char)v;
		}
		name[k] = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, name);
		int r;
		if (making) {
			int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
			r = fd < 0 ? -1 : close(fd);
		} else {
			struct stat st;
			r = lstat(path, &st);
		}
		if (r) { printf("%s: %s\n", line, strerrorname_np(errno)); bad = 1; }
		else ok++;
	}
	printf("%s %ld\n", making ? "made" : "found", ok);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "mkhex")) return hexnames(argv[2], 1);
	if (argc >= 3 && !strcmp(argv[1], "lookhex")) return hexnames(argv[2], 0);
	if (argc >= 3 && !strcmp(argv[1], "list")) return list(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "hex")) return hex(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "count")) return count(argv[2]);
	if (argc >= 6 && !strcmp(argv[1], "churn")) return churn(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]));
	if (argc >= 3 && !strcmp(argv[1], "seek")) return seek(argv[2]);
	fprintf(stderr, "usage: h1_readdir list|hex|count|seek DIR | churn DIR S V BUFSIZE\n");
	return 2;
}
