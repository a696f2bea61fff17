/*
 * Per-request cost on a mounted filesystem: the median and 90th percentile, in microseconds, of
 * single system calls a program makes, each timed on its own (CLOCK_MONOTONIC around the call).
 *   pwrite4k         4 KiB pwrite at a random 4 KiB-aligned offset of a 64 MiB file
 *   pwrite4k+fsync   the same, then fsync
 *   pread4k-cold     4 KiB pread at a random offset, the file opened with O_DIRECT (every read a request)
 *   create+close+unlink  one new file in one directory
 *   stat             stat of an existing file after its attributes expired (entry/attr timeout 0 mounts) or cached
 *   open+close       of an existing file
 *   punch4k          fallocate(PUNCH_HOLE|KEEP_SIZE) of one 4 KiB page, every other page of the
 *                    64 MiB file from the start (6,400 punches: the file ends with ~6,400 extents)
 * Usage: percall DIR [SCALE]   (SCALE multiplies the iteration counts; default 1)
 * Output: one line per case: "case median_us p90_us n".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n) {
    qsort(v, n, sizeof *v, cmp);
    printf("%-22s %8.2f %8.2f %d\n", name, v[n / 2], v[n * 9 / 10], n);
    fflush(stdout);
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: percall DIR [SCALE]\n");
        return 2;
    }
    const char *dir = argv[1];
    int scale = argc > 2 ? atoi(argv[2]) : 1;
    if (chdir(dir) != 0) die(dir);
    const long file = 64L << 20;
    static char buf[4096] __attribute__((aligned(4096)));
    memset(buf, 'x', sizeof buf);
    srand(42);

    int fd = open("percall.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) die("open percall.dat");
    for (long off = 0; off < file; off += sizeof buf)
        if (pwrite(fd, buf, sizeof buf, off) != sizeof buf) die("fill");
    fsync(fd);

    int n = 20000 * scale;
    double *v = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
        long off = (rand() % (file / 4096)) * 4096;
        double t = now_us();
        if (pwrite(fd, buf, sizeof buf, off) != sizeof buf) die("pwrite");
        v[i] = now_us() - t;
    }
    report("pwrite4k", v, n);

    int m = 2000 * scale;
    for (int i = 0; i < m; i++) {
        long off = (rand() % (file / 4096)) * 4096;
        double t = now_us();
        if (pwrite(fd, buf, sizeof buf, off) != sizeof buf) die("pwrite");
        if (fsync(fd) != 0) die("fsync");
        v[i] = now_us() - t;
    }
    report("pwrite4k+fsync", v, m);
    close(fd);

    int dfd = open("percall.dat", O_RDONLY | O_DIRECT);
    if (dfd >= 0) {
        for (int i = 0; i < n; i++) {
            long off = (rand() % (file / 4096)) * 4096;
            double t = now_us();
            if (pread(dfd, buf, sizeof buf, off) != sizeof buf) die("pread");
            v[i] = now_us() - t;
        }
        report("pread4k-direct", v, n);
        close(dfd);
    }

    if (mkdir("percall.d", 0755) != 0) die("mkdir");
    int c = 5000 * scale;
    char name[64];
    for (int i = 0; i < c; i++) {
        snprintf(name, sizeof name, "percall.d/f%d", i);
        double t = now_us();
        int f = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (f < 0) die("create");
        close(f);
        if (unlink(name) != 0) die("unlink");
        v[i] = now_us() - t;
    }
    report("create+close+unlink", v, c);

    struct stat st;
    for (int i = 0; i < n; i++) {
        double t = now_us();
        if (stat("percall.dat", &st) != 0) die("stat");
        v[i] = now_us() - t;
    }
    report("stat", v, n);

    for (int i = 0; i < c; i++) {
        double t = now_us();
        int f = open("percall.dat", O_RDONLY);
        if (f < 0) die("open");
        close(f);
        v[i] = now_us() - t;
    }
    report("open+close", v, c);

    int pn = 6400 * scale;
    double *pv = malloc(sizeof(double) * pn);
    int pfd = open("percall.dat", O_RDWR);
    if (pfd < 0) die("open percall.dat");
    for (int i = 0; i < pn; i++) {
        long off = ((long)(2 * i) % (file / 4096)) * 4096;
        double t = now_us();
        if (fallocate(pfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, 4096) != 0) die("punch");
        pv[i] = now_us() - t;
    }
    report("punch4k", pv, pn);
    close(pfd);
    free(pv);

    unlink("percall.dat");
    rmdir("percall.d");
    free(v);
    return 0;
}
