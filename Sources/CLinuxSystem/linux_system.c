#define _GNU_SOURCE
#include "linux_system.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int vmasnap_signalfd(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

long vmasnap_read_signal(int fd, int *signal) {
    struct signalfd_siginfo info;
    long result = read(fd, &info, sizeof info);
    if (result == (long)sizeof info) *signal = (int)info.ssi_signo;
    return result;
}

int vmasnap_timerfd(int clock) {
    return timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC);
}

int vmasnap_timerfd_set(int fd, int64_t deadline) {
    struct itimerspec spec = {0};
    if (deadline >= 0) {
        spec.it_value.tv_sec = deadline / 1000000000;
        spec.it_value.tv_nsec = deadline % 1000000000;
        /* 0 would disarm: a deadline at time zero is long past. */
        if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    }
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

long vmasnap_timerfd_read(int fd, uint64_t *expirations) {
    return read(fd, expirations, sizeof *expirations);
}

int vmasnap_epoll(void) { return epoll_create1(EPOLL_CLOEXEC); }

int vmasnap_epoll_add(int epoll, int fd, uint64_t token, int one_shot) {
    struct epoll_event event = {0};
    event.events = EPOLLIN | (one_shot ? EPOLLONESHOT : 0);
    event.data.u64 = token;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int vmasnap_epoll_rearm(int epoll, int fd, uint64_t token) {
    struct epoll_event event = {0};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.u64 = token;
    return epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
}

int vmasnap_epoll_remove(int epoll, int fd) {
    struct epoll_event event = {0};
    return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event);
}

int vmasnap_epoll_wait(int epoll, uint64_t *tokens, int count, int timeout) {
    struct epoll_event events[64];
    if (count > 64) count = 64;
    int ready = epoll_wait(epoll, events, count, timeout);
    for (int index = 0; index < ready; index++) tokens[index] = events[index].data.u64;
    return ready;
}

long vmasnap_read_directory(int fd, void *buffer, unsigned long count) {
    return syscall(SYS_getdents64, fd, buffer, count);
}

int vmasnap_rename_noreplace(int directory, const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, directory, from, directory, to, RENAME_NOREPLACE);
}

int vmasnap_flock(int fd, int operation, int wait) {
    int how = operation == 0 ? LOCK_UN : operation == 1 ? LOCK_SH : LOCK_EX;
    return flock(fd, how | (wait ? 0 : LOCK_NB));
}

int vmasnap_open_path_flag(void) { return O_PATH; }
