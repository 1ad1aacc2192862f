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
        /// when only one did).
        public var lastSeen: Int64
        /// How many snapshots saw this set.
        public var snapshotCount: Int
        /// The mappings, in address order.
        public var mappings: [ExecutableMapping]

        /// Creates an epoch.
        public init(firstSeen: Int64, lastSeen: Int64, snapshotCount: Int, mappings: [ExecutableMapping]) {
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.snapshotCount = snapshotCount
            self.mappings = mappings
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
