/// When a recording saw one process, from its index.
public struct ProcessSpan: Hashable, Sendable {
    /// Time of its first snapshot, nil if it never had one.
    public var firstTime: Int64?
    /// Time of its last snapshot (unchanged ones included), nil if it never had one.
    public var lastTime: Int64?
    /// When it was found gone, if it was.
    public var goneTime: Int64?
    /// Its snapshots, unchanged ones included.
    public var snapshotCount: Int
    /// Its keyframes.
    public var keyframeCount: Int
}
