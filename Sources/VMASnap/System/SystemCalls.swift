#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CProcmapQuery

/// The system calls vmasnap makes, as a table of functions.
///
/// Everything that touches the kernel goes through one of these, so that a
/// test can count the calls (for example, that a steady-state walk is K+1
/// ioctls with no name buffers) or make one fail, while the code under test
/// runs against the real kernel. `live` is the table of the real calls.
struct SystemCalls {
    var open: (_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32
    var openat: (_ directory: Int32, _ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32
    var close: (_ fd: Int32) -> Int32
    var read: (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int
    var pread: (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int
    var write: (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int
    var seek: (_ fd: Int32, _ offset: off_t, _ whence: Int32) -> off_t
    var procmapQuery: (_ fd: Int32, _ query: UnsafeMutablePointer<procmap_query>) -> Int32
    var dataSync: (_ fd: Int32) -> Int32 = { Glibc.fdatasync($0) }
    var truncate: (_ fd: Int32, _ length: off_t) -> Int32 = { Glibc.ftruncate($0, $1) }
    // The recorder's: output files, the command it starts, its signals.
    var renameat: (_ fromDirectory: Int32, _ from: UnsafePointer<CChar>, _ toDirectory: Int32, _ to: UnsafePointer<CChar>)
        -> Int32 = { Glibc.renameat($0, $1, $2, $3) }
    var unlinkat: (_ directory: Int32, _ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 = { Glibc.unlinkat($0, $1, $2) }
    var fchmod: (_ fd: Int32, _ mode: mode_t) -> Int32 = { Glibc.fchmod($0, $1) }
    var fstat: (_ fd: Int32, _ status: UnsafeMutablePointer<stat>) -> Int32 = { Glibc.fstat($0, $1) }
    var fstatat: (_ directory: Int32, _ path: UnsafePointer<CChar>, _ status: UnsafeMutablePointer<stat>, _ flags: Int32)
        -> Int32 = { Glibc.fstatat($0, $1, $2, $3) }
    var readlinkat: (_ directory: Int32, _ path: UnsafePointer<CChar>, _ buffer: UnsafeMutablePointer<CChar>, _ count: Int)
        -> Int = { Glibc.readlinkat($0, $1, $2, $3) }
    var kill: (_ pid: pid_t, _ signal: Int32) -> Int32 = { Glibc.kill($0, $1) }
    var waitpid: (_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>?, _ options: Int32) -> pid_t = { Glibc.waitpid($0, $1, $2) }
    var signalWait: (_ signals: UnsafePointer<sigset_t>, _ timeout: UnsafePointer<timespec>) -> Int32 = { Glibc.sigtimedwait($0, nil, $1) }
    var setChildSubreaper: (_ enabled: Int32) -> Int32 = { vmasnap_set_child_subreaper($0) }
    // perf events of vmasnap's own (measuring perf's clock): the event, its
    // ring buffer, and renaming the calling thread (which writes a COMM record).
    var perfEventOpen: (_ attribute: UnsafeRawPointer, _ pid: pid_t, _ cpu: Int32, _ group: Int32, _ flags: UInt) -> Int32 = {
        vmasnap_perf_event_open($0, $1, $2, $3, $4)
    }
    var mapShared: (_ fd: Int32, _ length: Int) -> UnsafeMutableRawPointer? = { fd, length in
        let address = Glibc.mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        return address == UnsafeMutableRawPointer(bitPattern: -1) ? nil : address
    }
    var unmap: (_ address: UnsafeMutableRawPointer, _ length: Int) -> Int32 = { Glibc.munmap($0, $1) }
    var setThreadName: (_ name: UnsafePointer<CChar>) -> Int32 = { vmasnap_set_thread_name($0) }
    /// `buffer` holds 16 bytes.
    var threadName: (_ buffer: UnsafeMutablePointer<CChar>) -> Int32 = { vmasnap_thread_name($0) }
    // Live tracking (Tracking/): perf events on other tasks and their ring
    // buffers, waiting on them, tracefs, the memlock budget, the CPUs, and a
    // command that waits for its events before it execs.
    var perfEventEnable: (_ fd: Int32) -> Int32 = { vmasnap_perf_enable($0) }
    var perfEventDisable: (_ fd: Int32) -> Int32 = { vmasnap_perf_disable($0) }
    /// PERF_EVENT_IOC_SET_OUTPUT: `fd`'s records go to `target`'s ring buffer.
    var perfEventSetOutput: (_ fd: Int32, _ target: Int32) -> Int32 = { vmasnap_perf_set_output($0, $1) }
    /// PERF_EVENT_IOC_ID: the id the event's records carry.
    var perfEventID: (_ fd: Int32, _ id: UnsafeMutablePointer<UInt64>) -> Int32 = { vmasnap_perf_id($0, $1) }
    var poll: (_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ milliseconds: Int32) -> Int32 = {
        Glibc.poll($0, nfds_t($1), $2)
    }
    /// getdents64(2).
    var readDirectory: (_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int = {
        vmasnap_read_directory($0, $1, UInt($2))
    }
    var resourceLimit: (_ resource: Int32, _ limit: UnsafeMutablePointer<rlimit>) -> Int32 = {
        Glibc.getrlimit(__rlimit_resource_t(UInt32($0)), $1)
    }
    var setResourceLimit: (_ resource: Int32, _ limit: UnsafePointer<rlimit>) -> Int32 = {
        Glibc.setrlimit(__rlimit_resource_t(UInt32($0)), $1)
    }
    /// sched_getaffinity(2): the CPU numbers, at most `capacity`; returns their count.
    var affinity: (_ pid: pid_t, _ cpus: UnsafeMutablePointer<Int32>, _ capacity: Int32) -> Int32 = {
        vmasnap_affinity($0, $1, $2)
    }
    var mount: (_ source: UnsafePointer<CChar>, _ target: UnsafePointer<CChar>, _ type: UnsafePointer<CChar>,
                _ flags: UInt, _ data: UnsafeRawPointer?) -> Int32 = { Glibc.mount($0, $1, $2, $3, $4) }
    var unmount: (_ target: UnsafePointer<CChar>, _ flags: Int32) -> Int32 = { Glibc.umount2($0, $1) }
    var makeTemporaryDirectory: (_ template: UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar>? = { Glibc.mkdtemp($0) }
    var removeDirectory: (_ path: UnsafePointer<CChar>) -> Int32 = { Glibc.rmdir($0) }
    /// statfs(2)'s f_type: the file system a path is on.
    var fileSystemType: (_ path: UnsafePointer<CChar>, _ type: UnsafeMutablePointer<Int>) -> Int32 = {
        vmasnap_file_system_type($0, $1)
    }
    /// kcmp(KCMP_VM): 0 when the two processes share an address space.
    var compareAddressSpaces: (_ first: pid_t, _ second: pid_t) -> Int32 = { vmasnap_kcmp_vm($0, $1) }
    /// See `vmasnap_spawn_gated`: a child that waits on `gate` before it execs.
    var spawnGated: (_ file: UnsafePointer<CChar>, _ arguments: UnsafePointer<UnsafeMutablePointer<CChar>?>,
                     _ environment: UnsafePointer<UnsafeMutablePointer<CChar>?>, _ redirect: UnsafePointer<Int32>,
                     _ gate: UnsafeMutablePointer<Int32>, _ status: UnsafeMutablePointer<Int32>) -> pid_t = {
        vmasnap_spawn_gated($0, $1, $2, $3, $4, $5)
    }
    /// CLOCK_MONOTONIC in nanoseconds, the clock of every event time.
    var monotonicNow: () -> Int64 = {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
    var effectiveUserID: () -> uid_t = { Glibc.geteuid() }
    var processID: () -> pid_t = { Glibc.getpid() }

    /// The real system calls.
    static let live = SystemCalls(
        open: { Glibc.open($0, $1, $2) },
        openat: { Glibc.openat($0, $1, $2, $3) },
        close: { Glibc.close($0) },
        read: { Glibc.read($0, $1, $2) },
        pread: { Glibc.pread($0, $1, $2, $3) },
        write: { Glibc.write($0, $1, $2) },
        seek: { Glibc.lseek($0, $1, $2) },
        procmapQuery: { vmasnap_procmap_query($0, $1) }
    )
}

/// Runs a system call that returns -1 and sets `errno` on failure, retrying
/// it while it is interrupted by a signal (EINTR).
@inline(__always)
func valueOrErrno<Value: FixedWidthInteger>(_ call: () -> Value) -> Result<Value, Errno> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let error = Errno.current
        if error != .interrupted { return .failure(error) }
    }
}
