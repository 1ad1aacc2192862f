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
