/// One thing the kernel reported about a tracked process, decoded and put
/// in time order with the rest (see `TrackingSession.drain()`).
public struct TrackingEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: Hashable, Sendable {
        /// A new process (FORK with pid ≠ ppid): it starts with its parent's
        /// mappings (shared with it until it execs, for vfork and CLONE_VM).
        case processCreated(PerfTaskEvent)
        /// A new thread of an existing process (FORK with pid = ppid): no
        /// change of mappings.
        case threadCreated(PerfTaskEvent)
        /// An exec (COMM with COMM_EXEC): the process has a new, empty address
        /// space from this time, filled by the `mapped` events that follow;
        /// any /proc/PID/maps descriptor opened before is stale.
        case exec(PerfCommEvent)
        /// A thread renamed itself (PR_SET_NAME, writing /proc/…/comm).
        case commandChanged(PerfCommEvent)
        /// An executable mapping was made (MMAP2): a file's, identified by
        /// build ID or by device and inode, or anonymous ("//anon", and
        /// anonymous memory made executable by mprotect).
        case mapped(PerfMmapEvent)
        /// A munmap, mprotect, pkey_mprotect or mremap that succeeded (syscall
        /// tracepoints only). Calls that failed change nothing and are not reported.
        case syscall(TrackedSyscall)
        /// A thread ended (EXIT).
        case threadExited(PerfTaskEvent)
        /// A process ended: the exit of its last thread known to the session.
        case processExited(pid: Int32)
        /// The kernel dropped records (or may have: a buffer was found full)
        /// because a buffer was full: anything may have happened to the
        /// processes that ran on its CPU meanwhile.
        case lost(LostRecords)
    }

    /// When, in CLOCK_MONOTONIC nanoseconds (the recording clock). For a
    /// syscall, when it returned.
    public var time: Int64
    /// The CPU whose buffer held the record.
    public var cpu: Int32
    /// What happened.
    public var kind: Kind

    /// Creates an event.
    public init(time: Int64, cpu: Int32, kind: Kind) {
        self.time = time
        self.cpu = cpu
        self.kind = kind
    }

    /// The process it concerns (nil for lost records).
    public var pid: Int32? {
        switch kind {
        case .processCreated(let task), .threadCreated(let task), .threadExited(let task): return task.pid
        case .exec(let comm), .commandChanged(let comm): return comm.pid
        case .mapped(let mapping): return mapping.pid
        case .syscall(let call): return call.pid
        case .processExited(let pid): return pid
        case .lost: return nil
        }
    }
}

/// Records the kernel could not write because a CPU's buffer was full:
/// anything may have happened, since `since`, to the tasks that ran on
/// that CPU.
///
/// The kernel says how many with a LOST record, but only once that buffer
/// takes a record again; a task that moved to another CPU, or ended, may
/// never write one there. So a buffer found (nearly) full when read is
/// reported too, without a count: records may have been dropped after the
/// last one it held.
public struct LostRecords: Hashable, Sendable {
    /// How many records of any type (FORK, EXIT, MMAP2, samples) were
    /// dropped, from the kernel's LOST record; nil when the buffer was found
    /// full and the kernel has not (yet) said.
    public var count: UInt64?
    /// The CPU of the buffer.
    public var cpu: Int32
    /// The id of the event that could not write (0 when the count is unknown).
    public var eventID: UInt64
    /// The time of the last record that buffer delivered before the loss
    /// (when tracking began, if none): the loss lies after it, and before
    /// the event's own time.
    public var since: Int64

    /// Creates a window.
    public init(count: UInt64?, cpu: Int32, eventID: UInt64, since: Int64) {
        self.count = count
        self.cpu = cpu
        self.eventID = eventID
        self.since = since
    }
}
