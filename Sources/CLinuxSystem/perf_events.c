#include "perf_events.h"
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int vmasnap_perf_event_open(const void *attr, int pid, int cpu, int group_fd, unsigned long flags) {
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

int vmasnap_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

int vmasnap_thread_name(char *name) {
    return prctl(PR_GET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}
