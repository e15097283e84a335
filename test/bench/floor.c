/*
 * floor: the lower bound of docs/performance.md -- the whole SQL sent as ONE query in one transaction.
 *
 *   floor [-d CONNINFO] [-m] (-f FILE | -c SQL)
 *
 * Connects (libpq: CONNINFO plus the PG* environment), reads FILE with one read() into one buffer,
 * then PQexec("BEGIN"), PQexec(whole file), PQexec("COMMIT"). -c sends SQL the same way (used for
 * "connect + SELECT 1" and "SELECT * FROM mig.status()"); the rows are fetched and discarded.
 * -m prints the backend's peak memory (VmHWM of /proc/<pg_backend_pid()>/status, read just before
 * disconnecting; needs the same host and the right to read that file) on stderr as
 * "backend_hwm_kb N". Exit 0 on success, 1 on any error (message on stderr).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

static PGconn *conn;

static void die(const char *what, PGresult *res) {
    fprintf(stderr, "floor: %s: %s", what, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    if (res)
        PQclear(res);
    PQfinish(conn);
    exit(1);
}

static void exec_ok(const char *sql, const char *what) {
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die(what, res);
    PQclear(res);
}

static char *read_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        perror(path);
        exit(1);
    }
    size_t size = (size_t)sb.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        fprintf(stderr, "floor: out of memory\n");
        exit(1);
    }
    size_t got = 0;
    while (got < size) { /* one read() for a regular file; the loop only guards short reads */
        ssize_t n = read(fd, buf + got, size - got);
        if (n <= 0) {
            perror(path);
            exit(1);
        }
        got += (size_t)n;
    }
    buf[size] = 0;
    close(fd);
    return buf;
}

int main(int argc, char **argv) {
    const char *conninfo = "", *file = NULL, *sql = NULL;
    int report_mem = 0, opt;
    while ((opt = getopt(argc, argv, "d:f:c:m")) != -1) {
        switch (opt) {
        case 'd':
            conninfo = optarg;
            break;
        case 'f':
            file = optarg;
            break;
        case 'c':
            sql = optarg;
            break;
        case 'm':
            report_mem = 1;
            break;
        default:
            fprintf(stderr, "usage: floor [-d CONNINFO] [-m] (-f FILE | -c SQL)\n");
            return 2;
        }
    }
    if (!file == !sql) {
        fprintf(stderr, "usage: floor [-d CONNINFO] [-m] (-f FILE | -c SQL)\n");
        return 2;
    }

    char *buf = file ? read_file(file) : NULL;
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        die("connection failed", NULL);

    if (file) {
        exec_ok("BEGIN", "BEGIN");
        exec_ok(buf, file);
        exec_ok("COMMIT", "COMMIT");
    } else {
        exec_ok(sql, "query");
    }

    if (report_mem) {
        PGresult *res = PQexec(conn, "SELECT pg_backend_pid()");
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            die("pg_backend_pid", res);
        char path[64], st[4096];
        snprintf(path, sizeof path, "/proc/%s/status", PQgetvalue(res, 0, 0));
        PQclear(res);
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, st, sizeof st - 1) : -1;
        if (fd >= 0)
            close(fd);
        long hwm = 0;
        if (n > 0) {
            st[n] = 0;
            char *p = strstr(st, "VmHWM:");
            if (p)
                hwm = strtol(p + 6, NULL, 10);
        }
        fprintf(stderr, "backend_hwm_kb %ld\n", hwm);
    }
    PQfinish(conn);
    free(buf);
    return 0;
}
