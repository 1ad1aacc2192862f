/// What a `TrackingSession` opened and read, for `info`, the summary line
/// and the benchmarks.
public struct TrackingStatistics: Hashable, Sendable {
    /// perf event descriptors open, buffer owners included.
    public var descriptors = 0
    /// Per-CPU ring buffers.
    public var buffers = 0
    /// Data bytes of each buffer (the smallest, when they differ).
    public var bufferBytes = 0
    /// Records read from the buffers.
    public var records = 0
    /// Events handed on by `drain` and `finish`.
    public var events = 0
    /// Records the kernel said it dropped (the sum of every LOST record).
    public var lostRecords: UInt64 = 0
    /// Windows of lost records: LOST records, and buffers found full.
    public var lostWindows = 0
    /// Reads that found a buffer full (records may have been dropped that
    /// the kernel has not counted yet).
    public var fullBuffers = 0
    /// Records that were not understood (malformed, or of an unknown tracepoint).
    public var undecodable = 0
    /// Records handed on after a newer one (they arrived later than the
    /// finality margin allowed for).
    public var lateRecords = 0
    /// Traced syscalls that returned an error (and changed nothing).
    public var failedSyscalls = 0
    /// Syscall returns whose entry was never seen.
    public var unmatchedSyscallExits = 0
    /// Syscall entries whose return was never seen.
    public var abandonedSyscallEntries = 0

    /// No counts yet.
    public init() {}
}
