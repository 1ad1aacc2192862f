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

    /// `mappings` (in address order, not overlapping) with `new` mapped over
    /// them, as mmap does: what it covers of the others is gone (their parts
    /// outside it stay).
    static func replacing(in mappings: [ExecutableMapping], with new: ExecutableMapping) -> [ExecutableMapping] {
        var result: [ExecutableMapping] = []
        result.reserveCapacity(mappings.count + 1)
        for old in mappings {
            guard old.end > new.start, old.start < new.end else {
                result.append(old)
                continue
            }
            if old.start < new.start {
                var before = old
                before.end = new.start
                result.append(before)
            }
            if old.end > new.end {
                var after = old
                after.offset += new.end - old.start
                after.start = new.end
                result.append(after)
            }
        }
        result.append(new)
        result.sort { $0.start < $1.start }
        return result
    }
}
