/// The difference between two walks of one process: which mappings went away
/// and which appeared. A mapping whose identity, path or build ID changed
/// counts as removed and added.
public struct SnapshotDiff: Hashable, Sendable {
    /// Mappings of the old walk that are not in the new one, in address order.
    public var removed: [ExecutableMapping]
    /// Mappings of the new walk that were not in the old one, in address order.
    public var added: [ExecutableMapping]

    /// Creates a diff from its parts.
    public init(removed: [ExecutableMapping], added: [ExecutableMapping]) {
        self.removed = removed
        self.added = added
    }

    /// True when nothing changed.
    public var isEmpty: Bool { removed.isEmpty && added.isEmpty }

    /// Compares two walks, each in address order (as every capture returns
    /// them), in one merge pass.
    public init(from old: [ExecutableMapping], to new: [ExecutableMapping]) {
        var removed: [ExecutableMapping] = []
        var added: [ExecutableMapping] = []
        var i = 0
        var j = 0
        while i < old.count && j < new.count {
            let a = old[i]
            let b = new[j]
            if a == b {
                i += 1
                j += 1
            } else if a.start < b.start {
                removed.append(a)
                i += 1
            } else if b.start < a.start {
                added.append(b)
                j += 1
            } else {
                // Same start, different mapping: replaced.
                removed.append(a)
                added.append(b)
                i += 1
                j += 1
            }
        }
        removed.append(contentsOf: old[i...])
        added.append(contentsOf: new[j...])
        self.init(removed: removed, added: added)
    }

    /// Applies this diff to `mappings` (in address order), giving the new walk.
    public func applied(to mappings: [ExecutableMapping]) -> [ExecutableMapping] {
        var result = mappings
        if !removed.isEmpty {
            let gone = Set(removed)
            result.removeAll { gone.contains($0) }
        }
        if !added.isEmpty {
            result.append(contentsOf: added)
            result.sort { $0.start < $1.start }
        }
        return result
    }
}
