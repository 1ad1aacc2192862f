/// Where a recording stands: for a status line while it runs, and for the
/// summary at the end.
public struct RecorderStatus: Hashable, Sendable {
    /// Nanoseconds since the recording started.
    public var elapsed: Int64 = 0
    /// Processes followed now.
    public var liveProcesses = 0
    /// Processes recorded since the start.
    public var processesSeen = 0
    /// Processes left out because their mappings could not be read (permission).
    public var unreadableProcesses = 0
    /// `--keep-symbols`: symbol tables made but too large for a frame (64 MiB), not stored.
    public var symbolTablesTooLarge = 0
    /// Processes left out, or no longer followed, because reading or
    /// recording them failed otherwise (see `firstFailure`).
    public var failedProcesses = 0
    /// The first of those failures.
    public var firstFailure: ProcessFailure?
    /// What the walks met: changes that processes made while they were walked.
    public var walks = WalkStatistics()
    /// What the writer has recorded: rounds, snapshots, changes, bytes.
    public var statistics = RecordingStatistics()
    /// What kernel events did; nil without them.
    public var events: KernelEventCounts?

    /// Creates an empty status.
    public init() {}
}
