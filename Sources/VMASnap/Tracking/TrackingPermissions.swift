/// What the kernel lets this process track for a target, found by asking
/// it (opening each kind of event once and closing it), with the reasons
/// for what it refuses: what `--events auto|on|off` is decided on.
public struct TrackingPermissions: Hashable, Sendable {
    /// Whether one kind of tracking is allowed.
    public enum Availability: Hashable, Sendable, CustomStringConvertible {
        /// The kernel opened it.
        case permitted
        /// It refused, for this reason.
        case denied(TrackingDenial)

        /// Whether it is permitted.
        public var isPermitted: Bool { self == .permitted }

        /// "yes", or "no, " and the reason.
        public var description: String {
            switch self {
            case .permitted: return "yes"
            case .denied(let denial): return "no, \(denial)"
            }
        }
    }

    /// Tracking events (fork, exec, mmap, exit) on the target.
    public var tracking: Availability
    /// Syscall tracepoints (munmap, mprotect, mremap) on the target.
    public var syscallTracepoints: Availability
    /// Events on every task (`-a`), whatever the target.
    public var systemWide: Availability
    /// perf_event_paranoid, nil if unreadable.
    public var perfEventParanoid: Int?
    /// The effective capabilities that matter: CAP_PERFMON, CAP_SYS_ADMIN, CAP_IPC_LOCK, CAP_SYS_PTRACE.
    public var capabilities: Capabilities
    /// The locked-memory budget for ring buffers.
    public var memoryLock: MemoryLockBudget

    /// The capabilities that change what perf events allow.
    public struct Capabilities: OptionSet, Hashable, Sendable {
        /// The raw bits.
        public var rawValue: UInt8
        /// Wraps raw bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// CAP_PERFMON: system-wide events, other users' processes, tracepoints.
        public static let perfmon = Capabilities(rawValue: 1 << 0)
        /// CAP_SYS_ADMIN: all of perfmon's, and mounting tracefs.
        public static let systemAdmin = Capabilities(rawValue: 1 << 1)
        /// CAP_IPC_LOCK: ring buffers beyond the locked-memory budget.
        public static let ipcLock = Capabilities(rawValue: 1 << 2)
        /// CAP_SYS_PTRACE: other users' processes.
        public static let systemPtrace = Capabilities(rawValue: 1 << 3)
    }

    /// Creates a verdict.
    public init(tracking: Availability, syscallTracepoints: Availability, systemWide: Availability, perfEventParanoid: Int?,
                capabilities: Capabilities, memoryLock: MemoryLockBudget) {
        self.tracking = tracking
        self.syscallTracepoints = syscallTracepoints
        self.systemWide = systemWide
        self.perfEventParanoid = perfEventParanoid
        self.capabilities = capabilities
        self.memoryLock = memoryLock
    }

    /// One line: "tracking events: yes; syscall tracepoints: no, tracefs …; system-wide: no, …".
    public var summary: String {
        "tracking events: \(tracking); syscall tracepoints: \(syscallTracepoints); system-wide: \(systemWide)"
    }
}
