/// What a recording's kernel events did (issue 12), for `info` and the summary line.
public struct KernelEventCounts: Hashable, Sendable {
    /// Processes first recorded because an event reported them.
    public var processesFromEvents = 0
    /// Snapshots recorded from events' own fields (the process was gone,
    /// or changed, before a walk could see it).
    public var recordedFromEventFields = 0
    /// Snapshots dated with an event's time.
    public var eventDatedSnapshots = 0
    /// Changes of live processes confirmed by queries of just the ranges
    /// their events touched, not a walk.
    public var selectiveConfirmations = 0
    /// Changes that only a periodic walk saw (no event reported them).
    public var walkFoundChanges = 0
    /// Loss windows (LOST records, buffers found full).
    public var lostWindows = 0
    /// Records the kernel said it lost.
    public var lostRecords: UInt64 = 0

    /// No events yet.
    public init() {}
}
