/// What a round needs to know about a process from /proc/PID/stat: who it is,
/// who its parent is, and whether it is a kernel thread.
struct ProcessEntry: Hashable, Sendable {
    /// pid and start time.
    var identity: ProcessIdentity
    /// The parent's pid (0 for init and kthreadd).
    var parentPID: Int32
    /// The state letter (R, S, Z, ...).
    var state: UInt8
    /// Whether it is a kernel thread (PF_KTHREAD): no user address space.
    var isKernelThread: Bool

    /// Creates an entry.
    init(identity: ProcessIdentity, parentPID: Int32, state: UInt8, isKernelThread: Bool) {
        self.identity = identity
        self.parentPID = parentPID
        self.state = state
        self.isKernelThread = isKernelThread
    }

    /// The pid.
    var pid: Int32 { identity.pid }
}
