/// Everything a recording says about one process over time, in the form that
/// lookups and the timeline use: the distinct mapping sets it went through,
/// each with the snapshots that observed it.
///
/// The reader builds this from keyframes and deltas; runs of unchanged
/// snapshots only extend an epoch's `lastSeen` and `snapshotCount`.
public struct ProcessHistory: Hashable, Sendable {
    /// One mapping set and the span of snapshots that saw exactly it.
    public struct Epoch: Hashable, Sendable {
        /// Time of the first snapshot that saw this set.
        public var firstSeen: Int64
        /// Time of the last snapshot that saw this set (equal to `firstSeen`
        /// when only one did), or, when the next epoch's change was dated by
        /// a kernel event, that change's time: the set was in effect until then.
        public var lastSeen: Int64
        /// How many snapshots saw this set.
        public var snapshotCount: Int
        /// The mappings, in address order.
        public var mappings: [ExecutableMapping]
        /// Whether a kernel event dated the change that began this epoch at
        /// exactly `firstSeen` (format 1.2, outside every LOST window): the
        /// epoch before it then lasts until `firstSeen` (its `lastSeen` is
        /// this `firstSeen`), with no uncertain gap between them. False: a
        /// walk found the change, somewhere after the previous epoch's
        /// `lastSeen`. For the first epoch: the process (or its exec'd image)
        /// began then.
        public var datedByEvent: Bool

        /// Creates an epoch.
        ///
        /// - Parameters:
        ///   - firstSeen: the time of the first snapshot that saw the set.
        ///   - lastSeen: the time of the last (or, before an event-dated change, the change's time).
        ///   - snapshotCount: how many snapshots saw it.
        ///   - mappings: the set, in address order.
        ///   - datedByEvent: whether a kernel event dated its beginning.
        public init(firstSeen: Int64, lastSeen: Int64, snapshotCount: Int, mappings: [ExecutableMapping], datedByEvent: Bool = false) {
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.snapshotCount = snapshotCount
            self.mappings = mappings
            self.datedByEvent = datedByEvent
        }
    }

    /// The process.
    public var process: RecordedProcess
    /// Its mapping sets in time order; consecutive epochs always differ.
    public var epochs: [Epoch]
    /// When the recorder found the process gone, if it did.
    public var goneTime: Int64?

    /// Creates a history.
    public init(process: RecordedProcess, epochs: [Epoch], goneTime: Int64?) {
        self.process = process
        self.epochs = epochs
        self.goneTime = goneTime
    }

    /// Total snapshots of this process, unchanged ones included.
    public var snapshotCount: Int { epochs.reduce(0) { $0 + $1.snapshotCount } }
}
