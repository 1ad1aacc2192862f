extension StoredMapping {
    /// The mappings a DELTA leaves (§3.3): `mappings` without those starting
    /// at each of `removed`, plus `added`, in address order. Throws when a
    /// removed start is not the start of a mapping of the set, or when the
    /// result overlaps. All three lists are in ascending address order (the
    /// decoder gives them so), so this is one merge, linear in their lengths.
    static func applying(removed: [UInt64], added: [StoredMapping], to mappings: [StoredMapping]) throws
        -> [StoredMapping]
    {
        var result: [StoredMapping] = []
        result.reserveCapacity(mappings.count - min(removed.count, mappings.count) + added.count)
        var nextRemoved = 0
        var nextAdded = 0
        func append(_ mapping: StoredMapping) throws {
            if let last = result.last, mapping.start < last.end {
                throw FormatError.Reason.invalid(
                    "a delta adds a mapping that overlaps another at \(Hex.address(mapping.start))")
            }
            result.append(mapping)
        }
        for mapping in mappings {
            if nextRemoved < removed.count {
                guard removed[nextRemoved] >= mapping.start else { break }
                if removed[nextRemoved] == mapping.start {
                    nextRemoved += 1
                    continue
                }
            }
            while nextAdded < added.count && added[nextAdded].start < mapping.start {
                try append(added[nextAdded])
                nextAdded += 1
            }
            try append(mapping)
        }
        guard nextRemoved == removed.count else {
            throw FormatError.Reason.invalid(
                "a delta removes a mapping at \(Hex.address(removed[nextRemoved])) that the process does not have")
        }
        while nextAdded < added.count {
            try append(added[nextAdded])
            nextAdded += 1
        }
        return result
    }
}
