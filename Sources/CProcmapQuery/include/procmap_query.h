#ifndef VMASNAP_PROCMAP_QUERY_H
#define VMASNAP_PROCMAP_QUERY_H

/*
 * The PROCMAP_QUERY ioctl on a /proc/PID/maps descriptor, as merged in Linux
 * 6.11 (include/uapi/linux/fs.h). Debian 12's kernel headers (6.1) predate it,
 * so the ABI is spelled out here, under #ifndef so that newer headers win.
 *
 * Early revisions of the patch series used an 88-byte struct; its command
 * number differs and kernels answer it with ENOTTY. This is the 104-byte one.
 */

#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

#ifndef PROCMAP_QUERY

#define PROCFS_IOCTL_MAGIC 'f'

enum procmap_query_flags {
    PROCMAP_QUERY_VMA_READABLE         = 0x01,
    PROCMAP_QUERY_VMA_WRITABLE         = 0x02,
    PROCMAP_QUERY_VMA_EXECUTABLE       = 0x04,
    PROCMAP_QUERY_VMA_SHARED           = 0x08,
    PROCMAP_QUERY_COVERING_OR_NEXT_VMA = 0x10,
    PROCMAP_QUERY_FILE_BACKED_VMA      = 0x20,
};

struct procmap_query {
    uint64_t size;
    uint64_t query_flags;
    uint64_t query_addr;
    uint64_t vma_start;
    uint64_t vma_end;
    uint64_t vma_flags;
    uint64_t vma_page_size;
    uint64_t vma_offset;
    uint64_t inode;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint32_t vma_name_size;
    uint32_t build_id_size;
    uint64_t vma_name_addr;
    uint64_t build_id_addr;
};

#define PROCMAP_QUERY _IOWR(PROCFS_IOCTL_MAGIC, 17, struct procmap_query)

#endif /* PROCMAP_QUERY */

_Static_assert(sizeof(struct procmap_query) == 104, "procmap_query must be 104 bytes");
_Static_assert(PROCMAP_QUERY == 0xC0686611u, "PROCMAP_QUERY must be 0xC0686611");

/* Function-like macros (_IOWR) are not imported into Swift: export the number. */
static const unsigned long vmasnap_procmap_query_command = PROCMAP_QUERY;

/* ioctl(2) is variadic, which Swift cannot call: this is the one typed entry. */
static inline int vmasnap_procmap_query(int fd, struct procmap_query *query) {
    return ioctl(fd, PROCMAP_QUERY, query);
}

/*
 * The floor that vmasnap's steady-state walk is measured against: a bare loop
 * of the ioctl over the executable file-backed VMAs, no names, no build IDs.
 * Returns the number of mappings found, or -errno.
 */
long vmasnap_floor_walk(int fd);

/* Included here too so that a module built before that header existed is
 * rebuilt (an umbrella directory's new files are not noticed). */
#include "process_control.h"

#endif /* VMASNAP_PROCMAP_QUERY_H */
