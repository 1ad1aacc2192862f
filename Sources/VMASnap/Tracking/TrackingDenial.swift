import SystemPackage

/// Why the kernel will not give a kind of tracking, in its own terms: what
/// is missing and what would allow it.
public enum TrackingDenial: Error, Hashable, Sendable, CustomStringConvertible {
    /// perf_event_paranoid is above what the event needs and the recorder
    /// lacks CAP_PERFMON (or CAP_SYS_ADMIN).
    case paranoid(level: Int, allowedAtOrBelow: Int)
    /// The target belongs to another user or is not dumpable: the kernel
    /// asks for ptrace access to it (the same user, or CAP_PERFMON /
    /// CAP_SYS_PTRACE).
    case notPermittedOnProcess(pid: Int32, errno: Errno)
    /// The target process does not exist (any more).
    case noSuchProcess(pid: Int32)
    /// perf_event_open itself is unavailable (a kernel without perf events,
    /// perf_event_paranoid 3 on some distributions, or a seccomp filter).
    case perfEventsUnavailable(Errno)
    /// tracefs is neither mounted nor mountable (mounting needs CAP_SYS_ADMIN).
    case noTracefs(Errno?)
    /// tracefs is there but its tracepoint ids cannot be read (they are
    /// root's: CAP_PERFMON is not enough).
    case tracefsUnreadable(Errno)
    /// The kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS), or
    /// not the named one.
    case noSyscallTracepoint(String)
    /// perf_event_open of a syscall tracepoint was refused.
    case tracepointRefused(Errno)
    /// Even the smallest ring buffers do not fit the locked-memory budget
    /// (perf_event_mlock_kb per CPU, then RLIMIT_MEMLOCK; CAP_IPC_LOCK lifts it).
    case memoryLock(neededBytes: Int, errno: Errno)

    /// One phrase: "perf_event_paranoid is 2 (needs 0 or below, or CAP_PERFMON)".
    public var description: String {
        switch self {
        case .paranoid(let level, let allowed):
            return "perf_event_paranoid is \(level) (needs \(allowed) or below, or CAP_PERFMON)"
        case .notPermittedOnProcess(let pid, let errno):
            return "process \(pid) is another user's or not dumpable (\(errno.symbol ?? "\(errno.rawValue)"); "
                + "needs the same user, CAP_PERFMON or CAP_SYS_PTRACE)"
        case .noSuchProcess(let pid):
            return "there is no process \(pid)"
        case .perfEventsUnavailable(let errno):
            return "perf_event_open is unavailable (\(errno.symbol ?? "\(errno.rawValue)"): no perf events in this kernel, "
                + "or a seccomp filter)"
        case .noTracefs(let errno):
            let cause = errno.map { " (\($0.symbol ?? "\($0.rawValue)"))" } ?? ""
            return "tracefs is not mounted and cannot be mounted\(cause); mounting it needs CAP_SYS_ADMIN"
        case .tracefsUnreadable(let errno):
            return "tracefs tracepoint ids are not readable (\(errno.symbol ?? "\(errno.rawValue)"); they are root's)"
        case .noSyscallTracepoint(let name):
            return "the kernel has no tracepoint syscalls/\(name) (CONFIG_FTRACE_SYSCALLS)"
        case .tracepointRefused(let errno):
            return "perf_event_open refused a syscall tracepoint (\(errno.symbol ?? "\(errno.rawValue)"))"
        case .memoryLock(let needed, let errno):
            return "\(needed / 1024) KiB of ring buffers exceed the locked-memory budget (\(errno.symbol ?? "\(errno.rawValue)"); "
                + "perf_event_mlock_kb per CPU, then RLIMIT_MEMLOCK)"
        }
    }
}
