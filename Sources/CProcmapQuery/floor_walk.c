#include "procmap_query.h"
#include <errno.h>
#include <string.h>

long vmasnap_floor_walk(int fd) {
    struct procmap_query q;
    uint64_t addr = 0;
    long count = 0;
    for (;;) {
        memset(&q, 0, sizeof(q));
        q.size = sizeof(q);
        q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA | PROCMAP_QUERY_FILE_BACKED_VMA |
                        PROCMAP_QUERY_VMA_EXECUTABLE;
        q.query_addr = addr;
        if (ioctl(fd, PROCMAP_QUERY, &q) != 0) {
            if (errno == ENOENT) return count;
            if (errno == EINTR) continue;
            return -errno;
        }
        count++;
        addr = q.vma_end;
    }
}
