/// A record read from a ring buffer and decoded, waiting to be merged in
/// time order: a tracking event, or one half of a traced syscall (matched
/// with its other half only after merging, since a call can start on one
/// CPU and return on another).
struct TimedRecord {
    /// What the record said.
    enum Body {
        /// A tracking event, complete.
        case event(TrackingEvent.Kind)
        /// A syscall's entry with its arguments.
        case syscallEntry(pid: Int32, tid: Int32, call: SyscallTracepoint.Call, arguments: [UInt64])
        /// A syscall's return with its result.
        case syscallExit(pid: Int32, tid: Int32, call: SyscallTracepoint.Call, result: Int64)
    }

    /// CLOCK_MONOTONIC nanoseconds.
    var time: Int64
    /// The CPU of the buffer it was read from.
    var cpu: Int32
    /// What it said.
    var body: Body
}
