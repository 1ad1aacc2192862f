/*
 * vmasnap-fixture: a target process whose address space tests, the demo and
 * the benchmarks control. It reads commands, one a line, from stdin (or from
 * --script "cmd; cmd; ..."), and answers each with one line on stdout:
 * "ok ..." or "error ...". Times are CLOCK_MONOTONIC nanoseconds, the clock of
 * vmasnap recordings and of `perf record -k CLOCK_MONOTONIC`.
 *
 *   ping                      ok PID
 *   time                      ok NOW
 *   dlopen PATH               ok HANDLE START END CODE NOW   (the r-x segment, page-aligned)
 *   dlclose HANDLE            ok NOW
 *   spin HANDLE MS            ok FIRST LAST   (runs the library's fixture_entry for MS ms)
 *   mmap PATH [ADDR]          ok START END NOW   (the whole file, r-x, private; at ADDR if given)
 *   mmapn PATH COUNT          ok COUNT         (COUNT separate r-x mappings of PATH)
 *   munmap START END          ok NOW
 *   anon COUNT                ok COUNT         (COUNT anonymous VMAs that cannot merge)
 *   sleep MS                  ok NOW
 *   churn PATH MS [RING]      ok MAPS   (for MS ms: maps a page of PATH r-x at alternating file
 *                                        offsets, so that neighbours merge and split, in a ring of
 *                                        RING (1000) unmapped oldest first; also mprotects and mremaps
 *                                        some; at the end unmaps them all; MAPS: the maps made)
 *   forks COUNT AT-ONCE MS    ok COUNT   (forks COUNT children, AT-ONCE alive at a time, each
 *                                        living MS ms; waits for them all)
 *   exec PATH [ARGS...]       (execv; no answer)
 *   exit [STATUS]
 *
 * Processes, threads and mapping changes, for the tracking tests:
 *
 *   thread MS                 ok TID NOW       (a thread that sleeps MS ms, then ends)
 *   threadexec PATH [ARGS]    (a new thread execs PATH; no answer)
 *   fork MS                   ok PID NOW       (a child that sleeps MS ms, then exits 0)
 *   wait                      ok COUNT NOW     (reaps every child, waiting for each)
 *   spawn COUNT PATH [ARGS]   ok COUNT FIRST LAST  (COUNT children, one after another, each execs PATH)
 *   vfork MS PATH [ARGS]      ok CHILD         (written by the vfork child, which sleeps MS ms and
 *                                               execs PATH; the parent answers nothing more)
 *   pspawn MS PATH [ARGS]     ok CHILD NOW     (posix_spawn of PATH, whose child is held MS ms before
 *                                               its exec, sharing this address space: it opens a FIFO
 *                                               that a helper opens for writing MS ms later)
 *   mprotect START END PROT   ok NOW
 *   mremap START OLDLEN NEWLEN FLAGS [NEWADDR]   ok NEWSTART NOW  (or error ERRNO-NAME)
 *   anonexec [ADDR [LENGTH]]  ok START END NOW (anonymous r-x memory, a page unless LENGTH; at ADDR if
 *                                               given, which must be free)
 *   mmaploop PATH COUNT RATE  ok COUNT FIRST LAST  (mmap r-x + munmap COUNT times, RATE a second; 0: flat out)
 *   dlloop PATH COUNT         ok COUNT CPU_NS WALL_NS  (dlopen + dlclose COUNT times, this process's CPU)
 *   getppid COUNT             ok NS_PER_CALL
 *   cpu N                     ok NOW           (runs on CPU N only from now on)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HANDLES 4096

static void *handles[MAX_HANDLES];

static unsigned long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

struct segment_search {
    uintptr_t base;
    uintptr_t start, end;
};

static int find_exec_segment(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct segment_search *search = data;
    if (info->dlpi_addr != search->base) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
            uintptr_t start = info->dlpi_addr + ph->p_vaddr;
            uintptr_t end = start + ph->p_memsz;
            search->start = start & ~(page - 1);
            search->end = (end + page - 1) & ~(page - 1);
            return 1;
        }
    }
    return 0;
}

static void answer(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void answer(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

struct thread_start {
    long ms;
    int report;
};

/* Reports its tid, then sleeps and ends. */
static void *sleeping_thread(void *argument) {
    struct thread_start start = *(struct thread_start *)argument;
    free(argument);
    pid_t tid = (pid_t)syscall(SYS_gettid);
    ssize_t ignored = write(start.report, &tid, sizeof tid);
    (void)ignored;
    sleep_ms(start.ms);
    return NULL;
}

static unsigned long long cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static char **thread_exec_argv;

static void *exec_thread(void *argument) {
    (void)argument;
    execv(thread_exec_argv[0], thread_exec_argv);
    return NULL;
}

/* Writes "ok PID\n" with write(2) alone: the vfork child shares the parent's stdio. */
static void answer_pid_raw(pid_t pid) {
    char text[32] = "ok ";
    char digits[16];
    int length = 0;
    unsigned value = (unsigned)pid;
    do { digits[length++] = (char)('0' + value % 10); value /= 10; } while (value && length < 15);
    int at = 3;
    while (length) text[at++] = digits[--length];
    text[at++] = '\n';
    ssize_t ignored = write(1, text, (size_t)at);
    (void)ignored;
}

static void spin(void *handle, long ms) {
    unsigned long (*entry)(unsigned long) = (unsigned long (*)(unsigned long))dlsym(handle, "fixture_entry");
    if (!entry) { answer("error no fixture_entry"); return; }
    unsigned long long first = now_ns(), deadline = first + (unsigned long long)ms * 1000000ull;
    volatile unsigned long sink = 0;
    while (now_ns() < deadline) sink += entry(20000);
    answer("ok %llu %llu", first, now_ns());
}

/* Maps and unmaps code as fast as it can for `ms` milliseconds: the pages
   of a ring, each one page of `path` at file offset 0 or one page in, in
   runs of three, so that the kernel places them next to each other and
   merges neighbours whose offsets follow (and splits them again when one
   goes); every 7th page is mprotected away from PROT_EXEC and back, every
   11th moved with mremap. What a walk meets when another thread does this. */
static void churn(const char *path, long ms, long ring_size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || (size_t)st.st_size < 2 * page) {
        answer("error %s needs two pages", path);
        if (fd >= 0) close(fd);
        return;
    }
    if (ring_size < 1) ring_size = 1;
    void **ring = calloc((size_t)ring_size, sizeof *ring);
    unsigned long long deadline = now_ns() + (unsigned long long)ms * 1000000ull;
    long maps = 0;
    while (now_ns() < deadline) {
        for (long slot = 0; slot < ring_size; slot++, maps++) {
            if (ring[slot]) munmap(ring[slot], page);
            off_t offset = ((maps / 3) & 1) ? 0 : (off_t)page;
            char *mapped = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, offset);
            ring[slot] = mapped == MAP_FAILED ? NULL : mapped;
            if (!ring[slot]) continue;
            if (maps % 7 == 0) {
                mprotect(mapped, page, PROT_READ);
                mprotect(mapped, page, PROT_READ | PROT_EXEC);
            }
            if (maps % 11 == 0) {
                void *moved = mremap(mapped, page, page, MREMAP_MAYMOVE);
                if (moved != MAP_FAILED) ring[slot] = moved;
            }
        }
    }
    for (long slot = 0; slot < ring_size; slot++) if (ring[slot]) munmap(ring[slot], page);
    free(ring);
    close(fd);
    answer("ok %ld", maps);
}

/* Process turnover: `count` children in all, `at_once` of them alive at a
   time, each sleeping `ms` milliseconds and exiting. */
static void spawn(long count, long at_once, long ms) {
    long started = 0, running = 0;
    fflush(stdout);
    while (started < count || running > 0) {
        if (started < count && running < at_once) {
            pid_t child = fork();
            if (child == 0) {
                struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
                while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
                _exit(0);
            }
            if (child > 0) { started++; running++; continue; }
        }
        if (waitpid(-1, NULL, 0) > 0) running--;
    }
    answer("ok %ld", started);
}

static int run(char *line) {
    char *argv[64];
    int argc = 0;
    for (char *token = strtok(line, " \t\n"); token && argc < 63; token = strtok(NULL, " \t\n")) argv[argc++] = token;
    argv[argc] = NULL;
    if (argc == 0) return 0;
    const char *cmd = argv[0];
    if (!strcmp(cmd, "ping")) {
        answer("ok %d", (int)getpid());
    } else if (!strcmp(cmd, "time")) {
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "dlopen") && argc == 2) {
        int slot = 0;
        while (slot < MAX_HANDLES && handles[slot]) slot++;
        void *handle = slot < MAX_HANDLES ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
        if (!handle) { answer("error %s", dlerror()); return 0; }
        handles[slot] = handle;
        struct link_map *map = NULL;
        dlinfo(handle, RTLD_DI_LINKMAP, &map);
        struct segment_search search = { .base = map ? map->l_addr : 0 };
        dl_iterate_phdr(find_exec_segment, &search);
        void *code = dlsym(handle, "fixture_entry");
        answer("ok %d 0x%lx 0x%lx 0x%lx %llu", slot, (unsigned long)search.start, (unsigned long)search.end,
               (unsigned long)(code ? (uintptr_t)code : search.start), now_ns());
    } else if (!strcmp(cmd, "dlclose") && argc == 2) {
        int slot = atoi(argv[1]);
        if (slot < 0 || slot >= MAX_HANDLES || !handles[slot]) { answer("error bad handle"); return 0; }
        dlclose(handles[slot]);
        handles[slot] = NULL;
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "spin") && argc == 3) {
        int slot = atoi(argv[1]);
        if (slot < 0 || slot >= MAX_HANDLES || !handles[slot]) { answer("error bad handle"); return 0; }
        spin(handles[slot], atol(argv[2]));
    } else if (!strcmp(cmd, "mmap") && (argc == 2 || argc == 3)) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) { answer("error %s", strerror(errno)); if (fd >= 0) close(fd); return 0; }
        void *want = argc == 3 ? (void *)strtoul(argv[2], NULL, 0) : NULL;
        int flags = MAP_PRIVATE | (want ? MAP_FIXED_NOREPLACE : 0);
        void *addr = mmap(want, (size_t)st.st_size, PROT_READ | PROT_EXEC, flags, fd, 0);
        close(fd);
        if (addr == MAP_FAILED) { answer("error %s", strerror(errno)); return 0; }
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        answer("ok 0x%lx 0x%lx %llu", (unsigned long)addr,
               (unsigned long)((uintptr_t)addr + (((size_t)st.st_size + page - 1) & ~(page - 1))), now_ns());
    } else if (!strcmp(cmd, "mmapn") && argc == 3) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        long count = atol(argv[2]);
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        long made = 0;
        for (; fd >= 0 && made < count; made++) {
            /* One page each, at offsets that differ, leaving a hole between
               them so that no two can merge. */
            void *hole = mmap(NULL, 3 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (hole == MAP_FAILED) break;
            munmap(hole, 3 * page);
            if (mmap((char *)hole + page, page, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) break;
        }
        if (fd >= 0) close(fd);
        answer("ok %ld", made);
    } else if (!strcmp(cmd, "munmap") && argc == 3) {
        uintptr_t start = strtoul(argv[1], NULL, 0), end = strtoul(argv[2], NULL, 0);
        if (munmap((void *)start, end - start) != 0) { answer("error %s", strerror(errno)); return 0; }
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "anon") && argc == 2) {
        long count = atol(argv[1]);
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *region = mmap(NULL, (size_t)count * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (region == MAP_FAILED) { answer("error %s", strerror(errno)); return 0; }
        /* Neighbours with different protections never merge: COUNT VMAs. */
        for (long i = 1; i < count; i += 2) mprotect(region + i * page, page, PROT_READ | PROT_WRITE);
        answer("ok %ld", count);
    } else if (!strcmp(cmd, "sleep") && argc == 2) {
        long ms = atol(argv[1]);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "churn") && (argc == 3 || argc == 4)) {
        churn(argv[1], atol(argv[2]), argc == 4 ? atol(argv[3]) : 1000);
    } else if (!strcmp(cmd, "forks") && argc == 4) {
        spawn(atol(argv[1]), atol(argv[2]), atol(argv[3]));
    } else if (!strcmp(cmd, "thread") && argc == 2) {
        int report[2];
        if (pipe(report) != 0) { answer("error %s", strerror(errno)); return 0; }
        struct thread_start *start = malloc(sizeof *start);
        start->ms = atol(argv[1]);
        start->report = report[1];
        pthread_t thread;
        if (pthread_create(&thread, NULL, sleeping_thread, start) != 0) { answer("error pthread_create"); return 0; }
        pthread_detach(thread);
        pid_t tid = 0;
        ssize_t got = read(report[0], &tid, sizeof tid);
        close(report[0]);
        close(report[1]);
        if (got != sizeof tid) { answer("error no tid"); return 0; }
        answer("ok %d %llu", (int)tid, now_ns());
    } else if (!strcmp(cmd, "threadexec") && argc >= 2) {
        fflush(stdout);
        thread_exec_argv = &argv[1];
        pthread_t thread;
        if (pthread_create(&thread, NULL, exec_thread, NULL) != 0) { answer("error pthread_create"); return 0; }
        pthread_join(thread, NULL);
        answer("error exec failed");
    } else if (!strcmp(cmd, "fork") && argc == 2) {
        long ms = atol(argv[1]);
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) { sleep_ms(ms); _exit(0); }
        if (child < 0) { answer("error %s", strerror(errno)); return 0; }
        answer("ok %d %llu", (int)child, now_ns());
    } else if (!strcmp(cmd, "wait")) {
        int count = 0;
        while (wait(NULL) > 0) count++;
        answer("ok %d %llu", count, now_ns());
    } else if (!strcmp(cmd, "spawn") && argc >= 3) {
        long count = atol(argv[1]);
        unsigned long long first = now_ns();
        long made = 0;
        fflush(stdout);
        for (; made < count; made++) {
            pid_t child = fork();
            if (child == 0) { execv(argv[2], &argv[2]); _exit(127); }
            if (child < 0) break;
            while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        }
        answer("ok %ld %llu %llu", made, first, now_ns());
    } else if (!strcmp(cmd, "vfork") && argc >= 3) {
        long ms = atol(argv[1]);
        fflush(stdout);
        pid_t child = vfork();
        if (child == 0) {
            answer_pid_raw(getpid());
            struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
            execv(argv[2], &argv[2]);
            _exit(127);
        }
        if (child < 0) answer("error %s", strerror(errno));
    } else if (!strcmp(cmd, "pspawn") && argc >= 3) {
        long ms = atol(argv[1]);
        char fifo[64];
        snprintf(fifo, sizeof fifo, "/tmp/vmasnap-fixture-fifo-%d", (int)getpid());
        unlink(fifo);
        if (mkfifo(fifo, 0600) != 0) { answer("error %s", strerror(errno)); return 0; }
        fflush(stdout);
        pid_t helper = fork();
        if (helper == 0) {
            sleep_ms(ms);
            int fd = open(fifo, O_WRONLY);
            if (fd >= 0) close(fd);
            _exit(0);
        }
        /* glibc's posix_spawn clones with CLONE_VM | CLONE_VFORK: the child runs
         * its file actions in this address space, and the open blocks until
         * the helper opens the FIFO's other end. */
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 100, fifo, O_RDONLY, 0);
        posix_spawn_file_actions_addclose(&actions, 100);
        extern char **environ;
        pid_t child;
        int error = posix_spawn(&child, argv[2], &actions, NULL, &argv[2], environ);
        posix_spawn_file_actions_destroy(&actions);
        while (waitpid(helper, NULL, 0) < 0 && errno == EINTR) {}
        unlink(fifo);
        if (error != 0) answer("error %s", strerror(error));
        else answer("ok %d %llu", (int)child, now_ns());
    } else if (!strcmp(cmd, "mprotect") && argc == 4) {
        uintptr_t start = strtoul(argv[1], NULL, 0), end = strtoul(argv[2], NULL, 0);
        if (mprotect((void *)start, end - start, (int)strtol(argv[3], NULL, 0)) != 0) { answer("error %s", strerror(errno)); return 0; }
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "mremap") && (argc == 5 || argc == 6)) {
        void *old = (void *)strtoul(argv[1], NULL, 0);
        size_t old_length = strtoul(argv[2], NULL, 0), new_length = strtoul(argv[3], NULL, 0);
        int flags = (int)strtol(argv[4], NULL, 0);
        void *wanted = argc == 6 ? (void *)strtoul(argv[5], NULL, 0) : NULL;
        void *moved = mremap(old, old_length, new_length, flags, wanted);
        if (moved == MAP_FAILED) { answer("error %d", errno); return 0; }
        answer("ok 0x%lx %llu", (unsigned long)(uintptr_t)moved, now_ns());
    } else if (!strcmp(cmd, "anonexec")) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        void *wanted = argc >= 2 ? (void *)strtoul(argv[1], NULL, 0) : NULL;
        if (argc >= 3) page = strtoul(argv[2], NULL, 0);
        void *addr = mmap(wanted, page, PROT_READ | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | (wanted ? MAP_FIXED_NOREPLACE : 0), -1, 0);
        if (addr == MAP_FAILED) { answer("error %s", strerror(errno)); return 0; }
        answer("ok 0x%lx 0x%lx %llu", (unsigned long)(uintptr_t)addr, (unsigned long)((uintptr_t)addr + page), now_ns());
    } else if (!strcmp(cmd, "mmaploop") && argc == 4) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        long count = atol(argv[2]), rate = atol(argv[3]);
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        unsigned long long first = now_ns();
        long made = 0;
        for (; fd >= 0 && made < count; made++) {
            if (rate > 0) {
                unsigned long long due = first + (unsigned long long)made * 1000000000ull / (unsigned long long)rate;
                while (now_ns() < due) {}
            }
            void *addr = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
            if (addr == MAP_FAILED) break;
            munmap(addr, page);
        }
        if (fd >= 0) close(fd);
        answer("ok %ld %llu %llu", made, first, now_ns());
    } else if (!strcmp(cmd, "dlloop") && argc == 3) {
        long count = atol(argv[2]), done = 0;
        unsigned long long cpu = cpu_ns(), wall = now_ns();
        for (; done < count; done++) {
            void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
            if (!handle) { answer("error %s", dlerror()); return 0; }
            dlclose(handle);
        }
        answer("ok %ld %llu %llu", done, cpu_ns() - cpu, now_ns() - wall);
    } else if (!strcmp(cmd, "getppid") && argc == 2) {
        long count = atol(argv[1]);
        unsigned long long start = now_ns();
        for (long i = 0; i < count; i++) syscall(SYS_getppid);
        answer("ok %llu", count > 0 ? (now_ns() - start) / (unsigned long long)count : 0ull);
    } else if (!strcmp(cmd, "cpu") && argc == 2) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(atoi(argv[1]), &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) { answer("error %s", strerror(errno)); return 0; }
        answer("ok %llu", now_ns());
    } else if (!strcmp(cmd, "exec") && argc >= 2) {
        fflush(stdout);
        execv(argv[1], &argv[1]);
        answer("error %s", strerror(errno));
    } else if (!strcmp(cmd, "exit")) {
        fflush(stdout);
        _exit(argc > 1 ? atoi(argv[1]) : 0);
    } else {
        answer("error unknown command %s", cmd);
    }
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "--script")) {
        char *script = strdup(argv[2]);
        char *save = NULL;
        for (char *command = strtok_r(script, ";", &save); command; command = strtok_r(NULL, ";", &save)) {
            char line[4096];
            snprintf(line, sizeof line, "%s", command);
            run(line);
        }
        return 0;
    }
    char *line = NULL;
    size_t capacity = 0;
    while (getline(&line, &capacity, stdin) > 0) run(line);
    return 0;
}
