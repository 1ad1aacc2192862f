/*
 * run-as UID GID COMMAND [ARGS...]: runs COMMAND as that user and group, with
 * no supplementary groups. The kernel matrix's checks run as an unprivileged
 * user this way on every kernel, with no user database needed (busybox's
 * setpriv cannot change ids; su needs a password entry).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: run-as UID GID COMMAND [ARGS...]\n");
        return 64;
    }
    uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
    gid_t gid = (gid_t)strtoul(argv[2], NULL, 10);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        perror("run-as");
        return 126;
    }
    execvp(argv[3], &argv[3]);
    perror("run-as: exec");
    return 127;
}
