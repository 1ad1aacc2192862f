#ifndef VMASNAP_PERF_EVENTS_H
#define VMASNAP_PERF_EVENTS_H

/*
 * perf_event_open has no C library wrapper, and syscall() and prctl() are
 * variadic, which Swift cannot call. The attribute is passed as bytes:
 * vmasnap encodes the kernel's struct perf_event_attr itself
 * (PerfEventAttribute.encoded()).
 */

/* perf_event_open(attr, pid, cpu, group_fd, flags). Returns a descriptor, or
 * -1 with errno set. */
int vmasnap_perf_event_open(const void *attr, int pid, int cpu, int group_fd, unsigned long flags);

/* Sets the calling thread's name (PR_SET_NAME; at most 15 bytes are kept),
 * which makes the kernel write a COMM record. Returns 0, or -1 with errno set. */
int vmasnap_set_thread_name(const char *name);

/* Copies the calling thread's name (PR_GET_NAME) into name, which must hold
 * 16 bytes. Returns 0, or -1 with errno set. */
int vmasnap_thread_name(char *name);

#endif
