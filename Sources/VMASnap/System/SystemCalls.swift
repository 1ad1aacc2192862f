import CProcmapQuery
import SystemPackage

/// The system calls vmasnap makes, as a table of functions.
///
/// Everything that touches the kernel goes through one of these, so that a
/// test can count the calls (for example, that a steady-state walk is K+1
/// ioctls with no name buffers) or make one fail (EIO from a read, ENOSPC
/// from a write), while the code under test runs against the real kernel.
/// Each object that makes calls keeps the table it was given; `live` is the
/// table of the real calls (`SystemCalls+Live.swift`, the only file that
/// imports Glibc).
///
/// Descriptors, errno and file permissions are swift-system's types. Every
/// call is retried while a signal interrupts it (EINTR), except `close`,
/// which Linux never lets be retried. A failure throws the `Errno`.
struct SystemCalls: Sendable {
    /// A whole-file advisory lock (flock(2)).
    enum FileLock: Sendable {
        case shared
        case exclusive
    }

    // MARK: Files

    /// open(2), or openat(2) when `directory` is given.
    var open: @Sendable (
        _ path: UnsafePointer<CChar>, _ directory: FileDescriptor?, _ mode: FileDescriptor.AccessMode,
        _ options: FileDescriptor.OpenOptions, _ permissions: FilePermissions?
    ) throws(Errno) -> FileDescriptor
    /// close(2), once: never retried.
    var close: @Sendable (_ descriptor: FileDescriptor) throws(Errno) -> Void
    /// read(2) at the descriptor's offset; 0 at the end of the file.
    var read: @Sendable (_ descriptor: FileDescriptor, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// pread(2).
    var readAt: @Sendable (_ descriptor: FileDescriptor, _ offset: Int64, _ buffer: UnsafeMutableRawBufferPointer)
        throws(Errno) -> Int
    /// write(2) at the descriptor's offset.
    var write: @Sendable (_ descriptor: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int
    /// lseek(2); returns the new offset.
    var seek: @Sendable (_ descriptor: FileDescriptor, _ offset: Int64, _ origin: FileDescriptor.SeekOrigin)
        throws(Errno) -> Int64
    /// ftruncate(2).
    var resize: @Sendable (_ descriptor: FileDescriptor, _ length: Int64) throws(Errno) -> Void
    /// fdatasync(2).
    var synchronizeData: @Sendable (_ descriptor: FileDescriptor) throws(Errno) -> Void
    /// fstat(2).
    var status: @Sendable (_ descriptor: FileDescriptor) throws(Errno) -> Stat
    /// fstatat(2) of a name in `directory` itself, never following a symlink.
    var statusAt: @Sendable (_ directory: FileDescriptor, _ name: UnsafePointer<CChar>) throws(Errno) -> Stat
    /// fchmod(2).
    var setPermissions: @Sendable (_ descriptor: FileDescriptor, _ permissions: FilePermissions) throws(Errno) -> Void
    /// renameat(2) within one directory.
    var rename: @Sendable (_ directory: FileDescriptor, _ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>)
        throws(Errno) -> Void
    /// renameat2(2) with RENAME_NOREPLACE within one directory: EEXIST when
    /// `to` exists, EINVAL on a file system that cannot do it.
    var renameWithoutReplacing: @Sendable (_ directory: FileDescriptor, _ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>)
        throws(Errno) -> Void
    /// flock(2): takes `lock` (or releases it when nil), waiting for it when
    /// `wait`, else failing with EWOULDBLOCK.
    var lock: @Sendable (_ descriptor: FileDescriptor, _ lock: FileLock?, _ wait: Bool) throws(Errno) -> Void
    /// unlinkat(2) of a file.
    var unlink: @Sendable (_ directory: FileDescriptor, _ name: UnsafePointer<CChar>) throws(Errno) -> Void
    /// readlinkat(2); returns the length (the target is not terminated).
    var readLink: @Sendable (_ directory: FileDescriptor, _ name: UnsafePointer<CChar>, _ buffer: UnsafeMutableRawBufferPointer)
        throws(Errno) -> Int
    /// getdents64(2): directory entries into `buffer`; 0 at the end.
    var readDirectory: @Sendable (_ directory: FileDescriptor, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// Whether the descriptor is open (fcntl F_GETFD).
    var isOpen: @Sendable (_ descriptor: FileDescriptor) -> Bool
    /// isatty(3).
    var isTerminal: @Sendable (_ descriptor: FileDescriptor) -> Bool

    // MARK: The kernel and the machine

    /// The PROCMAP_QUERY ioctl on a /proc/PID/maps descriptor.
    var procmapQuery: @Sendable (_ descriptor: FileDescriptor, _ query: UnsafeMutablePointer<procmap_query>) throws(Errno) -> Void
    /// uname(2).
    var systemNames: @Sendable () throws(Errno) -> SystemNames
    /// sysconf(_SC_PAGESIZE).
    var pageSize: @Sendable () -> Int
    /// sysconf(_SC_CLK_TCK): the unit of process start times.
    var clockTicksPerSecond: @Sendable () -> Int
    /// clock_gettime(2), in nanoseconds.
    var now: @Sendable (_ clock: SystemClock) -> Int64
    /// getpid(2).
    var processID: @Sendable () -> Int32
    /// getenv(3): the value of an environment variable, nil when unset.
    var environmentVariable: @Sendable (_ name: String) -> String?

    // MARK: Processes and signals

    /// posix_spawnp(3) of `arguments[0]` with the environment, every signal at
    /// its default disposition and none blocked; returns the pid.
    var spawn: @Sendable (_ arguments: [String]) throws(Errno) -> Int32
    /// waitpid(2) with WNOHANG for `pid` (-1: any child): the pid and wait
    /// status of a child that ended, nil when none has.
    var reapChild: @Sendable (_ pid: Int32) throws(Errno) -> (pid: Int32, status: Int32)?
    /// kill(2).
    var kill: @Sendable (_ pid: Int32, _ signal: Signal) throws(Errno) -> Void
    /// prctl(PR_SET_CHILD_SUBREAPER, 1).
    var becomeChildSubreaper: @Sendable () throws(Errno) -> Void
    /// pthread_sigmask(SIG_BLOCK) in the calling thread; returns the signals
    /// blocked before.
    var blockSignals: @Sendable (_ signals: [Signal]) throws(Errno) -> [Signal]
    /// pthread_sigmask(SIG_SETMASK): exactly `signals` blocked.
    var setBlockedSignals: @Sendable (_ signals: [Signal]) throws(Errno) -> Void
    /// sigaction(2) to SIG_IGN.
    var ignoreSignal: @Sendable (_ signal: Signal) throws(Errno) -> Void
    /// signalfd(2) for `signals` (non-blocking).
    var signalDescriptor: @Sendable (_ signals: [Signal]) throws(Errno) -> FileDescriptor
    /// One signal from a signalfd, nil when none is pending.
    var readSignal: @Sendable (_ descriptor: FileDescriptor) throws(Errno) -> Signal?

    // MARK: Timers and waiting

    /// timerfd_create(2) on `clock` (non-blocking).
    var timerDescriptor: @Sendable (_ clock: SystemClock) throws(Errno) -> FileDescriptor
    /// timerfd_settime(2): expire once at `deadline` (absolute nanoseconds on
    /// the timer's clock), or disarm when nil.
    var setTimer: @Sendable (_ descriptor: FileDescriptor, _ deadline: Int64?) throws(Errno) -> Void
    /// Reads a timerfd: the expirations since the last read, 0 when none.
    var readTimer: @Sendable (_ descriptor: FileDescriptor) throws(Errno) -> UInt64
    /// epoll_create1(2).
    var createPoller: @Sendable () throws(Errno) -> FileDescriptor
    /// epoll_ctl(EPOLL_CTL_ADD) for input, reporting `token` when ready;
    /// `oneShot` (EPOLLONESHOT): once, until `rearm`.
    var watch: @Sendable (_ poller: FileDescriptor, _ descriptor: FileDescriptor, _ token: UInt64, _ oneShot: Bool)
        throws(Errno) -> Void
    /// epoll_ctl(EPOLL_CTL_MOD) of a one-shot descriptor: reported once more
    /// when ready (at once if it is ready now).
    var rearm: @Sendable (_ poller: FileDescriptor, _ descriptor: FileDescriptor, _ token: UInt64) throws(Errno) -> Void
    /// epoll_ctl(EPOLL_CTL_DEL).
    var unwatch: @Sendable (_ poller: FileDescriptor, _ descriptor: FileDescriptor) throws(Errno) -> Void
    /// epoll_wait(2) for up to `milliseconds` (-1: no limit): the tokens of
    /// the ready descriptors, written to `tokens`; returns their count.
    var waitForInput: @Sendable (_ poller: FileDescriptor, _ tokens: UnsafeMutableBufferPointer<UInt64>, _ milliseconds: Int32)
        throws(Errno) -> Int

    // MARK: perf events of vmasnap's own (measuring perf's clock)

    /// perf_event_open(2) of `attribute` (the bytes of the kernel's struct
    /// perf_event_attr) for `pid` (0: the calling thread) on `cpu` (-1: any),
    /// close-on-exec.
    var openPerfEvent: @Sendable (_ attribute: UnsafeRawBufferPointer, _ pid: Int32, _ cpu: Int32) throws(Errno) -> FileDescriptor
    /// mmap(2) of `length` bytes of `descriptor`, shared, readable and writable.
    var mapShared: @Sendable (_ descriptor: FileDescriptor, _ length: Int) throws(Errno) -> UnsafeMutableRawPointer
    /// munmap(2).
    var unmap: @Sendable (_ address: UnsafeMutableRawPointer, _ length: Int) -> Void
    /// prctl(PR_SET_NAME): renames the calling thread, which makes the kernel write a COMM record.
    var setThreadName: @Sendable (_ name: UnsafePointer<CChar>) throws(Errno) -> Void
    /// prctl(PR_GET_NAME) into `buffer`, which holds 16 bytes.
    var threadName: @Sendable (_ buffer: UnsafeMutablePointer<CChar>) throws(Errno) -> Void

    // MARK: Live tracking (Tracking/): perf events on other tasks, tracefs, limits

    /// PERF_EVENT_IOC_ENABLE: starts the event (and those its task's children inherited).
    var enablePerfEvent: @Sendable (_ event: FileDescriptor) throws(Errno) -> Void
    /// PERF_EVENT_IOC_SET_OUTPUT: `event`'s records go to `target`'s ring buffer.
    var setPerfEventOutput: @Sendable (_ event: FileDescriptor, _ target: FileDescriptor) throws(Errno) -> Void
    /// PERF_EVENT_IOC_ID: the id the event's records carry.
    var perfEventID: @Sendable (_ event: FileDescriptor) throws(Errno) -> UInt64
    /// poll(2) of `descriptors` for input for up to `milliseconds` (-1: no
    /// limit); returns how many have input.
    var pollInput: @Sendable (_ descriptors: [FileDescriptor], _ milliseconds: Int32) throws(Errno) -> Int
    /// getrlimit(2): the soft and hard limits, nil where unlimited.
    var resourceLimit: @Sendable (_ resource: SystemResource) throws(Errno) -> (soft: UInt64?, hard: UInt64?)
    /// setrlimit(2) of the soft limit (nil: unlimited), the hard one kept.
    var setSoftResourceLimit: @Sendable (_ resource: SystemResource, _ soft: UInt64?) throws(Errno) -> Void
    /// sched_getaffinity(2) of `pid` (0: the caller): the CPUs it may run on.
    var affinity: @Sendable (_ pid: Int32) throws(Errno) -> [Int32]
    /// statfs(2)'s f_type: the magic number of the file system `path` is on.
    var fileSystemType: @Sendable (_ path: UnsafePointer<CChar>) throws(Errno) -> Int
    /// mount(2) of a pseudo file system (`type`, such as tracefs) on
    /// `target`, with no devices, set-uid or executables.
    var mountPseudoFileSystem: @Sendable (_ type: UnsafePointer<CChar>, _ target: UnsafePointer<CChar>) throws(Errno) -> Void
    /// umount2(MNT_DETACH).
    var unmountDetached: @Sendable (_ target: UnsafePointer<CChar>) throws(Errno) -> Void
    /// mkdtemp(3): `template` ends in XXXXXX, replaced in place.
    var makeTemporaryDirectory: @Sendable (_ template: UnsafeMutablePointer<CChar>) throws(Errno) -> Void
    /// rmdir(2).
    var removeDirectory: @Sendable (_ path: UnsafePointer<CChar>) throws(Errno) -> Void
    /// kcmp(KCMP_VM): whether two processes share one address space.
    var shareAddressSpace: @Sendable (_ first: Int32, _ second: Int32) throws(Errno) -> Bool
    /// Forks a child that execs `arguments[0]` (found on PATH, this process's
    /// environment, every signal at its default disposition and none
    /// blocked, `redirect`ed descriptors as 0, 1 and 2) only once a byte is
    /// written to `gate`; `status` then reads 0 bytes when it exec'd, or the
    /// 4 bytes of exec's errno. Both close-on-exec, owned by the caller.
    var spawnGated: @Sendable (_ arguments: [String], _ redirect: [FileDescriptor?]) throws(Errno)
        -> (pid: Int32, gate: FileDescriptor, status: FileDescriptor)
    /// waitpid(2) for `pid`, blocking: its wait status.
    var waitForChild: @Sendable (_ pid: Int32) throws(Errno) -> Int32
    /// nanosleep(2) for `nanoseconds`, resumed after a signal.
    var sleep: @Sendable (_ nanoseconds: Int64) -> Void
}
