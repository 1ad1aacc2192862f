#ifndef VMASNAP_LINUX_SYSTEM_H
#define VMASNAP_LINUX_SYSTEM_H

/*
 * Linux calls that Swift's Glibc module does not export (signalfd, timerfd,
 * epoll and getdents64 are in headers it leaves out), spelled out for
 * vmasnap's system layer (Sources/VMASnap/System). Each returns what the call
 * returns: -1 with errno set on failure. No retrying here: the system layer
 * retries on EINTR.
 */

#include <signal.h>
#include <stdint.h>

/* A new signalfd for `mask` (non-blocking, close-on-exec). */
int vmasnap_signalfd(const sigset_t *mask);

/* Reads one signalfd_siginfo from `fd`: its signal number into `signal`.
 * Returns read()'s result. */
long vmasnap_read_signal(int fd, int *signal);

/* A new timerfd on clock `clock` (non-blocking, close-on-exec). */
int vmasnap_timerfd(int clock);

/* Arms `fd` to expire once at `deadline` nanoseconds on its clock (absolute);
 * a negative deadline disarms it. */
int vmasnap_timerfd_set(int fd, int64_t deadline);

/* Reads a timerfd's expiration count (EAGAIN when none). */
long vmasnap_timerfd_read(int fd, uint64_t *expirations);

/* A new epoll instance (close-on-exec). */
int vmasnap_epoll(void);

/* Watches `fd` for input, reporting `token` when it is ready (with `one_shot`: once, until rearmed). */
int vmasnap_epoll_add(int epoll, int fd, uint64_t token, int one_shot);

/* epoll_ctl(EPOLL_CTL_MOD) of a one-shot descriptor: watched for input again, once. */
int vmasnap_epoll_rearm(int epoll, int fd, uint64_t token);

/* Stops watching `fd`. */
int vmasnap_epoll_remove(int epoll, int fd);

/* Waits up to `timeout` milliseconds (-1: forever) for watched descriptors;
 * writes the tokens of the ready ones (at most `count`). */
int vmasnap_epoll_wait(int epoll, uint64_t *tokens, int count, int timeout);

/* getdents64(2): directory entries of `fd` into `buffer`. */
long vmasnap_read_directory(int fd, void *buffer, unsigned long count);

/* renameat2(2) with RENAME_NOREPLACE, within one directory: EEXIST when
 * `to` exists; EINVAL where the file system cannot do it. */
int vmasnap_rename_noreplace(int directory, const char *from, const char *to);

/* flock(2): `operation` 0 unlocks, 1 takes a shared lock, 2 an exclusive one;
 * `wait` 0 fails with EWOULDBLOCK instead of waiting. */
int vmasnap_flock(int fd, int operation, int wait);

/* The value of O_PATH (an open that only names a file, with no side effect
 * on devices and FIFOs). */
int vmasnap_open_path_flag(void);
/* Included here too so that a module built before that header existed is
 * rebuilt (an umbrella directory's new files are not noticed). */
#include "perf_tracking.h"

#endif
