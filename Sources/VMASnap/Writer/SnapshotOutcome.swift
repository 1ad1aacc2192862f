/// What the writer recorded for one snapshot of a process.
public enum SnapshotOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Every mapping: the process's first snapshot, a change after the
    /// keyframe interval, or a change smaller to write whole than as a delta.
    case keyframe
    /// The mappings removed and added since the previous snapshot.
    case delta
    /// Nothing changed: nothing written (the round confirms it).
    case unchanged
    /// A FORK (format 2.0): a child's first snapshot, its parent's
    /// mappings, written as a reference to the parent.
    case fork

    /// "keyframe", "delta" or "unchanged".
    public var description: String {
        switch self {
        case .keyframe: return "keyframe"
        case .delta: return "delta"
        case .unchanged: return "unchanged"
        case .fork: return "fork"
        }
    }
}
