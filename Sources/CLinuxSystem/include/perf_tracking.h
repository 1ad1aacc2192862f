#ifndef VMASNAP_PERF_TRACKING_H
#define VMASNAP_PERF_TRACKING_H

/*
 * What live tracking (Sources/VMASnap/Tracking) needs from C: the calls Swift
 * cannot make (ioctl and syscall are variadic, CPU_ISSET is a macro, a forked
 * child may only make async-signal-safe calls), made only through
 * SystemCalls+Live.swift, and the two atomic accesses of a perf ring buffer's
 * control page (PerfRingBuffer), which are memory orderings, not calls.
 */

#include <stdint.h>
#include <sys/types.h>

/* struct perf_event_mmap_page: the byte offsets of the fields read here. */
enum {
    VMASNAP_PERF_PAGE_DATA_HEAD = 1024,
    VMASNAP_PERF_PAGE_DATA_TAIL = 1032,
    VMASNAP_PERF_PAGE_DATA_OFFSET = 1040,
    VMASNAP_PERF_PAGE_DATA_SIZE = 1048,
};

/* data_head with acquire order: the records before it are then visible. */
static inline uint64_t vmasnap_ring_head(const void *page) {
    return __atomic_load_n((const uint64_t *)((const char *)page + VMASNAP_PERF_PAGE_DATA_HEAD), __ATOMIC_ACQUIRE);
}

/* data_tail with release order: the kernel may then overwrite what was read. */
static inline void vmasnap_ring_set_tail(void *page, uint64_t tail) {
    __atomic_store_n((uint64_t *)((char *)page + VMASNAP_PERF_PAGE_DATA_TAIL), tail, __ATOMIC_RELEASE);
}

/* PERF_EVENT_IOC_ENABLE, _SET_OUTPUT (target -1:
 * none) and _ID. Each returns 0, or -1 with errno set. */
int vmasnap_perf_enable(int fd);
int vmasnap_perf_set_output(int fd, int target);
int vmasnap_perf_id(int fd, uint64_t *id);

/* kcmp(pid1, pid2, KCMP_VM, 0, 0): 0 when the two share an address space, 1
 * or 2 when they do not (the order of the kernel's pointers), -1 with errno
 * set (ENOSYS without CONFIG_KCMP, EPERM without ptrace access). */
int vmasnap_kcmp_vm(pid_t first, pid_t second);

/* statfs(2)'s f_type of path (the file system's magic number: tracefs is
 * 0x74726163). Returns 0, or -1 with errno set. */
int vmasnap_file_system_type(const char *path, long *type);

/* mount(source, target, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL): a
 * pseudo file system, never with devices, set-uid or executables. Returns 0,
 * or -1 with errno set. */
int vmasnap_mount_pseudo(const char *source, const char *target, const char *type);

/* umount2(target, MNT_DETACH). Returns 0, or -1 with errno set. */
int vmasnap_unmount_detached(const char *target);

/* sched_getaffinity(2) of pid (0: the caller): writes up to capacity CPU
 * numbers to cpus. Returns how many, or -1 with errno set. */
int vmasnap_affinity(pid_t pid, int32_t *cpus, int capacity);

/*
 * Starts a command that waits before it execs, so that a tracker can open its
 * events on the pid first (they then cover the exec and everything after).
 *
 * Forks; the child sets every signal to its default disposition and unblocks
 * all, moves redirect[0..2] (when not -1) onto descriptors 0, 1 and 2, then
 * blocks reading one byte from the gate. When the byte comes it execs file
 * (found on PATH as execvp does) with argv and envp; when the gate closes
 * without one it exits with status 127, unexec'd. An exec that fails writes
 * its errno to the status pipe, whose end closes on a successful exec.
 *
 * Returns the child's pid and sets *gate (write one byte, then close) and
 * *status (read: 0 bytes = exec'd, 4 bytes = its errno), both close-on-exec;
 * -1 with errno set when no child was made.
 */
pid_t vmasnap_spawn_gated(const char *file, char *const argv[], char *const envp[], const int redirect[3],
                          int *gate, int *status);

#endif
