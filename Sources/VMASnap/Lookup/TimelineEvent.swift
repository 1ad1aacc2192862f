/// A mapping that appeared in or disappeared from a process, as the
/// snapshots saw it.
public struct TimelineEvent: Hashable, Sendable {
    /// Whether the mapping appeared or disappeared.
    public enum Kind: UInt8, Hashable, Sendable, CustomStringConvertible {
        /// The first snapshot that saw the mapping.
        case load
        /// The first snapshot that no longer saw it (a mapping that changed
        /// in place is an unload and a load at the same time).
        case unload

        /// "load" or "unload".
        public var description: String { self == .load ? "load" : "unload" }
    }

    /// The process.
    public var process: ProcessIdentity
    /// The time of the snapshot that saw the change (nanoseconds, recording clock).
    public var time: Int64
    /// Load or unload.
    public var kind: Kind
    /// The mapping that was loaded or unloaded.
    public var mapping: ExecutableMapping
    /// Whether a kernel event dated the change at exactly `time` (format
    /// 1.2); false when a walk found it, somewhere after the last snapshot
    /// that saw the set before (see `ProcessHistory.Epoch.datedByEvent`).
    public var datedByEvent: Bool

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - process: the process.
    ///   - time: when the snapshot that saw the change was taken, or the event's time.
    ///   - kind: load or unload.
    ///   - mapping: the mapping loaded or unloaded.
    ///   - datedByEvent: whether a kernel event dated it.
    public init(process: ProcessIdentity, time: Int64, kind: Kind, mapping: ExecutableMapping, datedByEvent: Bool = false) {
        self.process = process
        self.time = time
        self.kind = kind
        self.mapping = mapping
        self.datedByEvent = datedByEvent
    }
}
