/// What a recorder met, written as it finished (a RECORDER_REPORT record,
/// Formats/vmasnap.md section 3.6; format 1.1).
public struct RecorderReport: Hashable, Sendable {
    /// What the kernel events did, when they were on.
    public struct Events: Hashable, Sendable {
        /// Processes first recorded because an event reported them.
        public var processesFromEvents: UInt64
        /// Mapping changes that a walk found and no event had reported.
        public var changesFoundByWalksOnly: UInt64
        /// Event records the kernel said it lost.
        public var lostRecords: UInt64
        /// Times records were lost or a buffer was found full.
        public var lostWindows: UInt64

        /// Creates the events' counts.
        public init(processesFromEvents: UInt64, changesFoundByWalksOnly: UInt64, lostRecords: UInt64, lostWindows: UInt64) {
            self.processesFromEvents = processesFromEvents
            self.changesFoundByWalksOnly = changesFoundByWalksOnly
            self.lostRecords = lostRecords
            self.lostWindows = lostWindows
        }
    }

    /// Walks of a process's mappings made.
    public var walks: UInt64
    /// Walks during which the process changed its mappings.
    public var walksMeetingChanges: UInt64
    /// The events' counts; nil when events were off or refused.
    public var events: Events?

    /// Creates a report.
    public init(walks: UInt64, walksMeetingChanges: UInt64, events: Events? = nil) {
        self.walks = walks
        self.walksMeetingChanges = walksMeetingChanges
        self.events = events
    }
}
