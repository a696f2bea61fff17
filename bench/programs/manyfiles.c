/*
 * N files in one directory: create (open O_CREAT|O_EXCL, write 100 bytes, close) each, then stat
 * each, then unlink each; prints the seconds of each phase and of the whole.
 * Usage: manyfiles DIR [N]   (default 100000)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: manyfiles DIR [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 100000;
    if (chdir(argv[1]) != 0 || mkdir("many", 0755) != 0 || chdir("many") != 0) {
        perror(argv[1]);
        return 1;
    }
    char name[32], data[100];
    memset(data, 'm', sizeof data);
    struct stat st;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%07d", i);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write(fd, data, sizeof data) != sizeof data || close(fd) != 0) {
            perror(name);
            return 1;
        }
    }
    double t1 = now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%07d", i);
        if (stat(name, &st) != 0 || st.st_size != sizeof data) {
            perror(name);
            return 1;
        }
    }
    double t2 = now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%07d", i);
        if (unlink(name) != 0) {
            perror(name);
            return 1;
        }
    }
    double t3 = now();
    if (chdir("..") != 0 || rmdir("many") != 0) {
        perror("rmdir many");
        return 1;
    }
    printf("create %.2f stat %.2f unlink %.2f total %.2f\n", t1 - t0, t2 - t1, t3 - t2, t3 - t0);
    return 0;
}
