#define _GNU_SOURCE
#include "perf_tracking.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

int vmasnap_perf_enable(int fd) { return ioctl(fd, PERF_EVENT_IOC_ENABLE, 0); }
int vmasnap_perf_set_output(int fd, int target) { return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, target); }
int vmasnap_perf_id(int fd, uint64_t *id) { return ioctl(fd, PERF_EVENT_IOC_ID, id); }

int vmasnap_kcmp_vm(pid_t first, pid_t second) {
    return (int)syscall(SYS_kcmp, first, second, KCMP_VM, 0UL, 0UL);
}

int vmasnap_file_system_type(const char *path, long *type) {
    struct statfs status;
    if (statfs(path, &status) != 0) return -1;
    *type = (long)status.f_type;
    return 0;
}

int vmasnap_mount_pseudo(const char *source, const char *target, const char *type) {
    return mount(source, target, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int vmasnap_unmount_detached(const char *target) { return umount2(target, MNT_DETACH); }

int vmasnap_affinity(pid_t pid, int32_t *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(pid, sizeof set, &set) != 0) return -1;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) cpus[count++] = cpu;
    }
    return count;
}

/* Moves a descriptor above 2, so that the child's redirections cannot replace it. */
static int above_standard_streams(int fd) {
    if (fd > 2) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

pid_t vmasnap_spawn_gated(const char *file, char *const argv[], char *const envp[], const int redirect[3],
                          int *gate, int *status) {
    int gatePipe[2], statusPipe[2];
    if (pipe2(gatePipe, O_CLOEXEC) != 0) return -1;
    if (pipe2(statusPipe, O_CLOEXEC) != 0) {
        int saved = errno;
        close(gatePipe[0]);
        close(gatePipe[1]);
        errno = saved;
        return -1;
    }
    for (int end = 0; end < 2; end++) {
        gatePipe[end] = above_standard_streams(gatePipe[end]);
        statusPipe[end] = above_standard_streams(statusPipe[end]);
    }
    if (gatePipe[0] < 0 || gatePipe[1] < 0 || statusPipe[0] < 0 || statusPipe[1] < 0) {
        int saved = errno;
        for (int end = 0; end < 2; end++) {
            if (gatePipe[end] >= 0) close(gatePipe[end]);
            if (statusPipe[end] >= 0) close(statusPipe[end]);
        }
        errno = saved;
        return -1;
    }
    /* No handler of the parent's may run in the child before it resets them. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        /* Only async-signal-safe calls from here to the exec. Handlers are
         * reset by exec itself; SIG_IGN is not, so set everything to SIG_DFL
         * (glibc refuses its two internal signals, which it never ignores). */
        /* The raw system call: glibc's sigaction refuses its two internal
         * signals (32 and 33), which a parent may have ignored (posix_spawn
         * does that), and SIG_IGN survives exec. */
        struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } defaults = { SIG_DFL, 0, NULL, 0 };
        for (int signal = 1; signal < NSIG; signal++) syscall(SYS_rt_sigaction, signal, &defaults, NULL, sizeof defaults.mask);
        for (int stream = 0; stream < 3; stream++) {
            if (redirect && redirect[stream] >= 0 && redirect[stream] != stream) dup2(redirect[stream], stream);
        }
        close(gatePipe[1]);
        close(statusPipe[0]);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        char byte;
        ssize_t got;
        do {
            got = read(gatePipe[0], &byte, 1);
        } while (got < 0 && errno == EINTR);
        if (got != 1) _exit(127);
        execvpe(file, argv, envp);
        int error = errno;
        ssize_t ignored = write(statusPipe[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(gatePipe[0]);
    close(statusPipe[1]);
    if (pid < 0) {
        close(gatePipe[1]);
        close(statusPipe[0]);
        errno = saved;
        return -1;
    }
    *gate = gatePipe[1];
    *status = statusPipe[0];
    return pid;
}
