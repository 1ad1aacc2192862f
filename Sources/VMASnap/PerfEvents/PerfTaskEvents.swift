/// A COMM record: a thread's command name changed (by exec when `isExec`).
public struct PerfCommEvent: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// The thread ID.
    public var tid: Int32
    /// The new name, without its NUL padding.
    public var command: [UInt8]
    /// Set by exec (misc PERF_RECORD_MISC_COMM_EXEC).
    public var isExec: Bool

    /// Creates an event.
    public init(pid: Int32, tid: Int32, command: [UInt8], isExec: Bool) {
        self.pid = pid
        self.tid = tid
        self.command = command
        self.isExec = isExec
    }
}

/// A FORK or EXIT record. A new thread has pid == ppid; a new process has
/// its own pid.
public struct PerfTaskEvent: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// The parent's process ID.
    public var parentPID: Int32
    /// The thread ID.
    public var tid: Int32
    /// The parent's thread ID.
    public var parentTID: Int32
    /// When, on the attribute's clock.
    public var time: UInt64

    /// Creates an event.
    public init(pid: Int32, parentPID: Int32, tid: Int32, parentTID: Int32, time: UInt64) {
        self.pid = pid
        self.parentPID = parentPID
        self.tid = tid
        self.parentTID = parentTID
        self.time = time
    }

    /// Whether a FORK created a thread of an existing process.
    public var isThread: Bool { pid == parentPID }
}

/// A THROTTLE or UNTHROTTLE record.
public struct PerfThrottleEvent: Hashable, Sendable {
    /// Throttled (else unthrottled).
    public var isThrottled: Bool
    /// When, on the attribute's clock.
    public var time: UInt64
    /// The event's id.
    public var id: UInt64
    /// The stream id.
    public var streamID: UInt64

    /// Creates an event.
    public init(isThrottled: Bool, time: UInt64, id: UInt64, streamID: UInt64) {
        self.isThrottled = isThrottled
        self.time = time
        self.id = id
        self.streamID = streamID
    }
}
