/*
 * measure: runs one command and reports its wall-clock time, the peak RSS of the client process
 * (tree), and optionally the peak memory of the PostgreSQL backend(s) serving it.
 *
 *   measure [-b MATCH] [-o STDOUT_FILE] [-e STDERR_FILE] -- command args...
 *
 * Prints one line on stdout:  wall_seconds client_maxrss_kb backend_hwm_kb exit_code
 *
 * - wall: CLOCK_MONOTONIC around fork+exec ... wait4 (nanosecond clock; includes connection setup).
 * - client peak RSS: ru_maxrss of the child from wait4() -- the same number /usr/bin/time -v prints
 *   as "Maximum resident set size" (the largest of the child and the descendants it waited for).
 * - backend peak memory (-b): while the child runs, every 5 ms scan /proc for processes whose
 *   command line (the backend's process title, "postgres: USER DBNAME [local] ...") contains MATCH
 *   (the run's unique database name) and read VmHWM from /proc/PID/status. VmHWM only grows, so
 *   the last value read before the backend exits is its peak up to at most 5 ms before the end.
 *   VmHWM counts shared-buffer pages the backend touched (<= shared_buffers) as well as its
 *   private memory. Reported is the largest over all backends that matched (pgmig may open more
 *   than one connection). 0 when -b was not given or nothing matched.
 *
 * No timing of its own is added to the child: the scan runs in this (parent) process, and only
 * when -b is given (used for W4 only).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRACKED 64

static pid_t tracked_pid[MAX_TRACKED];
static long tracked_hwm[MAX_TRACKED];
static int ntracked;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long read_hwm(pid_t pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strstr(buf, "VmHWM:");
    return p ? strtol(p + 6, NULL, 10) : -1;
}

static int cmdline_matches(pid_t pid, const char *match) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == 0)
            buf[i] = ' ';
    return strncmp(buf, "postgres: ", 10) == 0 && strstr(buf, match) != NULL;
}

static void scan_backends(const char *match) {
    /* refresh the HWM of known backends first (cheap), then look for new ones */
    for (int i = 0; i < ntracked; i++) {
        long h = read_hwm(tracked_pid[i]);
        if (h > tracked_hwm[i])
            tracked_hwm[i] = h;
    }
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        int known = 0;
        for (int i = 0; i < ntracked; i++)
            if (tracked_pid[i] == pid)
                known = 1;
        if (known || ntracked >= MAX_TRACKED)
            continue;
        if (cmdline_matches(pid, match)) {
            tracked_pid[ntracked] = pid;
            tracked_hwm[ntracked] = read_hwm(pid);
            ntracked++;
        }
    }
    closedir(d);
}

int main(int argc, char **argv) {
    const char *match = NULL, *out = NULL, *err = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
            match = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
            err = argv[++i];
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: measure [-b MATCH] [-o FILE] [-e FILE] -- command args...\n");
        return 2;
    }

    double t0 = now();
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 2;
    }
    if (child == 0) {
        if (out) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                close(fd);
            }
        }
        if (err) {
            int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 2);
                close(fd);
            }
        }
        execvp(argv[i], argv + i);
        fprintf(stderr, "measure: cannot run %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }

    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (match) {
        for (;;) {
            pid_t r = wait4(child, &status, WNOHANG, &ru);
            if (r == child)
                break;
            if (r < 0 && errno != EINTR) {
                perror("wait4");
                return 2;
            }
            scan_backends(match);
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    } else {
        while (wait4(child, &status, 0, &ru) < 0) {
            if (errno != EINTR) {
                perror("wait4");
                return 2;
            }
        }
    }
    double wall = now() - t0;

    long hwm = 0;
    for (int k = 0; k < ntracked; k++)
        if (tracked_hwm[k] > hwm)
            hwm = tracked_hwm[k];
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.6f %ld %ld %d\n", wall, ru.ru_maxrss, hwm, code);
    return 0;
}
