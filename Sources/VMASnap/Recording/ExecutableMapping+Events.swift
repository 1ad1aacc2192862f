/// Mappings from MMAP2 records, for a process gone before it could be walked.
extension ExecutableMapping {
    /// The mapping an executable, file-backed MMAP2 record reports: its
    /// range, offset, protection and file (device and inode, or the build ID
    /// the kernel read; the other is then unknown, 0 or nil).
    init(_ event: PerfMmapEvent, pageSize: UInt64) {
        var permissions: MappingPermissions = []
        if event.protection & 1 != 0 { permissions.insert(.read) }
        if event.protection & 2 != 0 { permissions.insert(.write) }
        if event.protection & 4 != 0 { permissions.insert(.execute) }
        // MAP_SHARED is 1 in mmap's flags.
        if event.flags & 1 != 0 { permissions.insert(.shared) }
        var device = DeviceNumber(major: 0, minor: 0)
        var inode: UInt64 = 0
        var buildID: BuildID?
        switch event.identity {
        case .inode(let major, let minor, let number, _):
            device = DeviceNumber(major: major, minor: minor)
            inode = number
        case .buildID(let bytes):
            buildID = BuildID(bytes)
        case .none:
            break
        }
        let mask = ~(pageSize - 1)
        self.init(start: event.start & mask, end: (event.end + pageSize - 1) & mask, offset: event.pageOffset & mask,
                  permissions: permissions, device: device, inode: inode, pageSize: pageSize,
                  path: MappedPath(bytes: event.filename), buildID: buildID)
    }

    /// Maps `new` over `mappings` (in address order, not overlapping), as
    /// mmap does: what it covers of the others is gone (their parts outside
    /// it stay). In place, touching only the mappings it overlaps: a process
    /// that maps thousands of times between two drains costs a binary search
    /// and a move each, not a copy and a sort of its whole set.
    /// `keepingEqual`: a mapping already there with the same range, offset
    /// and file (as far as the record says: its device and inode, or build
    /// ID) stays as it is, with what a walk found of it, rather than being
    /// replaced by the record's fields (a change that is none).
    static func map(_ new: ExecutableMapping, over mappings: inout [ExecutableMapping], keepingEqual: Bool = false) {
        // Ends are in order too: the first mapping that ends after new starts.
        let low = mappings.partitionPoint(where: { $0.end > new.start })
        if keepingEqual, low < mappings.count, mappings[low].sameFile(as: new) { return }
        replace(new.start..<new.end, in: &mappings, from: low, with: new)
    }

    /// Removes `range` from `mappings` (in address order, not overlapping),
    /// as munmap does: what it covers is gone, the parts outside it stay. In
    /// place, as `map(_:over:keepingEqual:)`.
    static func unmap(_ range: Range<UInt64>, from mappings: inout [ExecutableMapping]) {
        guard !range.isEmpty else { return }
        replace(range, in: &mappings, from: mappings.partitionPoint(where: { $0.end > range.lowerBound }), with: nil)
    }

    /// Replaces what `range` covers of `mappings` with `new` (or nothing),
    /// keeping the parts outside it; `low` is the first mapping that ends
    /// after the range starts.
    private static func replace(_ range: Range<UInt64>, in mappings: inout [ExecutableMapping], from low: Int,
                                with new: ExecutableMapping?) {
        var upper = low
        while upper < mappings.count, mappings[upper].start < range.upperBound { upper += 1 }
        var pieces: [ExecutableMapping] = []
        if low < upper, mappings[low].start < range.lowerBound {
            var before = mappings[low]
            before.end = range.lowerBound
            pieces.append(before)
        }
        if let new { pieces.append(new) }
        if low < upper, mappings[upper - 1].end > range.upperBound {
            var after = mappings[upper - 1]
            after.offset += range.upperBound - after.start
            after.start = range.upperBound
            pieces.append(after)
        }
        mappings.replaceSubrange(low..<upper, with: pieces)
    }

    /// Whether `other` (from an MMAP2 record) maps the same range, offset
    /// and file as this mapping, as far as the record's fields say.
    func sameFile(as other: ExecutableMapping) -> Bool {
        guard start == other.start, end == other.end, offset == other.offset, path == other.path else { return false }
        if other.inode != 0 && (other.inode != inode || other.device != device) { return false }
        if let buildID = other.buildID, let own = self.buildID, buildID != own { return false }
        return true
    }
}
