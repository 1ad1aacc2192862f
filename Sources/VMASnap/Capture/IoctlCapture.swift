import CProcmapQuery
import SystemPackage

/// Captures a process's executable mappings with the PROCMAP_QUERY ioctl.
///
/// /proc/PID/maps is opened once (the ptrace permission check happens there)
/// and the descriptor is kept. A walk asks for "the executable, file-backed
/// VMA covering or after this address" from 0, advancing to each VMA's end,
/// until ENOENT. Names and build IDs cost five times a bare query, so they are
/// fetched only for a mapping that was not in the previous walk: a steady-state
/// walk of K mappings is K+1 ioctls with no name or build-ID buffer.
public final class IoctlCapture: MappingCapture {
    /// The process.
    public let pid: Int32
    /// Always `.ioctl`.
    public var backend: CaptureBackend { .ioctl }

    private let system: SystemCalls
    private let maps: OwnedDescriptor
    private var previous: [ExecutableMapping] = []
    private var previousKeys: [MappingKey] = []
    private var fileBuildIDs: [FileKey: BuildID?] = [:]
    /// What the walks so far met.
    public private(set) var walkStatistics = WalkStatistics()
    private var nameBuffer: UnsafeMutableRawBufferPointer
    private let buildIDBuffer: UnsafeMutableRawBufferPointer

    /// The largest name buffer vmasnap offers: d_path never produces more
    /// than a page, so past this no buffer helps.
    private static let maximumNameBuffer = 1 << 16

    private static let walkFlags = UInt64(
        PROCMAP_QUERY_COVERING_OR_NEXT_VMA.rawValue | PROCMAP_QUERY_FILE_BACKED_VMA.rawValue
            | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)
    private static let coveringFlags = UInt64(
        PROCMAP_QUERY_FILE_BACKED_VMA.rawValue | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)

    /// Opens /proc/PID/maps of `pid`.
    ///
    /// - Throws: `CaptureError`: no such process, permission denied (ptrace), or another open failure.
    public convenience init(pid: Int32) throws {
        try self.init(pid: pid, system: .live)
    }

    init(pid: Int32, system: SystemCalls) throws {
        self.pid = pid
        self.system = system
        self.maps = try ProcFiles.open(pid: pid, file: "maps", system: system)
        nameBuffer = .allocate(byteCount: 4352, alignment: 8)
        buildIDBuffer = .allocate(byteCount: BuildID.maximumLength, alignment: 8)
    }

    deinit {
        nameBuffer.deallocate()
        buildIDBuffer.deallocate()
    }

    /// Walks the executable file-backed mappings, in address order.
    ///
    /// While the walk matches the previous one, it compares plain keys and
    /// builds nothing: an unchanged process returns the previous array itself,
    /// with no allocation and no reference counting. From the first difference
    /// on, a new array is built; only mappings not in the previous walk are
    /// queried again with name and build-ID buffers.
    ///
    /// - Throws: `CaptureError`: the process exited, the kernel lacks the ioctl, or rejected a query.
    public func capture() throws -> [ExecutableMapping] {
        if previous.isEmpty { return try firstWalk() }
        var matched = 0
        var address: UInt64 = 0
        var reply = procmap_query()
        while try bareQuery(address: address, into: &reply) {
            if matched < previousKeys.count && previousKeys[matched] == MappingKey(reply) {
                matched += 1
                address = reply.vma_end
                continue
            }
            return try divergedWalk(keeping: matched, from: reply)
        }
        walkStatistics.walks += 1
        if matched == previous.count { return previous }
        // Mappings at the end went away.
        return remember(Array(previous[0..<matched]))
    }

    /// The rest of a walk that differs from the previous one after its first
    /// `kept` mappings; `reply` is the first mapping that did not match.
    private func divergedWalk(keeping kept: Int, from first: procmap_query) throws -> [ExecutableMapping] {
        var walk = WalkAssembly(prefix: previous[0..<kept], capacity: previous.count + 4)
        var cursor = kept
        var reply = first
        while true {
            let key = MappingKey(reply)
            // The previous walk is in address order too: skip what was
            // removed, and look again after the walk went back.
            if cursor > 0 && cursor <= previousKeys.count && previousKeys[cursor - 1].start >= key.start {
                cursor = previousKeys.partitionPoint { $0.start >= key.start }
            }
            while cursor < previousKeys.count && previousKeys[cursor].start < key.start { cursor += 1 }
            let next: UInt64
            if cursor < previousKeys.count && previousKeys[cursor] == key {
                next = walk.take(previous[cursor])
            } else if let named = try query(address: key.start, flags: IoctlCapture.walkFlags, names: true) {
                // The VMA may have changed between the two queries; the second
                // answer is the one kept, and the walk goes on from it.
                next = walk.take(named)
            } else {
                break
            }
            guard try bareQuery(address: next, into: &reply) else { break }
        }
        return finish(walk)
    }

    private func firstWalk() throws -> [ExecutableMapping] {
        var walk = WalkAssembly(prefix: EmptyCollection())
        var address: UInt64 = 0
        while let mapping = try query(address: address, flags: IoctlCapture.walkFlags, names: true) {
            address = walk.take(mapping)
        }
        return finish(walk)
    }

    private func finish(_ walk: WalkAssembly) -> [ExecutableMapping] {
        walkStatistics = walkStatistics + walk.statistics
        return remember(walk.mappings)
    }

    private func remember(_ mappings: [ExecutableMapping]) -> [ExecutableMapping] {
        previous = mappings
        previousKeys = mappings.map(MappingKey.init)
        return mappings
    }

    /// One walk step without names: false at ENOENT.
    @inline(__always)
    private func bareQuery(address: UInt64, into request: inout procmap_query) throws -> Bool {
        request = procmap_query()
        request.size = UInt64(MemoryLayout<procmap_query>.size)
        request.query_flags = IoctlCapture.walkFlags
        request.query_addr = address
        do throws(Errno) {
            try system.procmapQuery(maps.descriptor, &request)
            return true
        } catch {
            return try handle(error)
        }
    }

    /// A query for a mapping whose name the ioctl cannot return: its fields
    /// and build ID, and its name from the maps text.
    private func unnamedQuery(address: UInt64, flags: UInt64) throws -> ExecutableMapping? {
        var request = procmap_query()
        request.size = UInt64(MemoryLayout<procmap_query>.size)
        request.query_flags = flags
        request.query_addr = address
        request.build_id_size = UInt32(buildIDBuffer.count)
        request.build_id_addr = UInt64(UInt(bitPattern: buildIDBuffer.baseAddress))
        do throws(Errno) {
            try system.procmapQuery(maps.descriptor, &request)
        } catch {
            _ = try handle(error)
            return nil
        }
        return mapping(from: request, named: true, path: nameFromMapsText(start: request.vma_start))
    }

    /// The path of the mapping at `start` as the maps text shows it, read
    /// through the same descriptor; empty if it is not there.
    private func nameFromMapsText(start: UInt64) -> MappedPath {
        var buffer: [UInt8] = []
        guard let length = try? maps.readAll(into: &buffer) else { return MappedPath(bytes: []) }
        var name: [UInt8] = []
        buffer.withUnsafeBufferPointer { text in
            MapsTextParser.forEachExecutableFileLine(UnsafeBufferPointer(rebasing: text[0..<length])) { line in
                if line.start == start { name = line.pathBytes }
            }
        }
        return MappedPath(bytes: name)
    }

    /// ENOENT ends a walk (false); everything else is thrown.
    private func handle(_ errno: Errno) throws -> Bool {
        switch errno {
        case .noSuchFileOrDirectory: return false
        case .noSuchProcess: throw CaptureError.gone(pid: pid)
        case .inappropriateIOCTLForDevice: throw CaptureError.ioctlUnsupported(kernelRelease: KernelInfo.release(system: system))
        default: throw CaptureError.queryRejected(pid: pid, errno: errno)
        }
    }

    /// The executable file-backed mapping covering `address` now, with its
    /// name and build ID, or nil: one ioctl, without COVERING_OR_NEXT.
    ///
    /// - Throws: `CaptureError`, as `capture()` does.
    public func mapping(covering address: UInt64) throws -> ExecutableMapping? {
        try query(address: address, flags: IoctlCapture.coveringFlags, names: true)
    }

    /// One PROCMAP_QUERY; nil at ENOENT.
    private func query(address: UInt64, flags: UInt64, names: Bool) throws -> ExecutableMapping? {
        while true {
            var request = procmap_query()
            request.size = UInt64(MemoryLayout<procmap_query>.size)
            request.query_flags = flags
            request.query_addr = address
            if names {
                request.vma_name_size = UInt32(nameBuffer.count)
                request.vma_name_addr = UInt64(UInt(bitPattern: nameBuffer.baseAddress))
                request.build_id_size = UInt32(buildIDBuffer.count)
                request.build_id_addr = UInt64(UInt(bitPattern: buildIDBuffer.baseAddress))
            }
            do throws(Errno) {
                try system.procmapQuery(maps.descriptor, &request)
                return mapping(from: request, named: names)
            } catch {
                if error == .fileNameTooLong && names {
                    if nameBuffer.count < IoctlCapture.maximumNameBuffer {
                        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: nameBuffer.count * 4, alignment: 8)
                        nameBuffer.deallocate()
                        nameBuffer = larger
                        continue
                    }
                    // The kernel caps the name at PATH_MAX, which a path near it
                    // exceeds once " (deleted)" is appended; /proc/PID/maps text
                    // prints it in full. Rare (a new mapping with such a name):
                    // take the name from the text.
                    return try unnamedQuery(address: address, flags: flags)
                }
                guard try handle(error) else { return nil }
            }
        }
    }

    /// A file, for the build-ID cache.
    private struct FileKey: Hashable {
        var device: DeviceNumber
        var inode: UInt64
    }

    /// The mapping a reply describes; with `named`, with its name (from the
    /// name buffer, or `path` when given) and build ID.
    private func mapping(from reply: procmap_query, named: Bool, path: MappedPath? = nil) -> ExecutableMapping {
        var mapping = ExecutableMapping(
            start: reply.vma_start, end: reply.vma_end, offset: reply.vma_offset,
            permissions: MappingPermissions(rawValue: UInt8(truncatingIfNeeded: reply.vma_flags & 0x0F)),
            device: DeviceNumber(major: reply.dev_major, minor: reply.dev_minor),
            inode: reply.inode, pageSize: reply.vma_page_size, path: MappedPath(bytes: []), buildID: nil)
        guard named else { return mapping }
        // vma_name_size counts the terminating NUL; 0 means no name.
        let length = Int(reply.vma_name_size)
        if let path {
            mapping.path = path
        } else if length > 1 {
            mapping.path = MappedPath(bytes: Array(UnsafeRawBufferPointer(rebasing: nameBuffer[0..<(length - 1)])))
        }
        let idLength = Int(reply.build_id_size)
        if idLength > 0 && idLength <= buildIDBuffer.count {
            mapping.buildID = BuildID(UnsafeRawBufferPointer(rebasing: buildIDBuffer[0..<idLength]))
        } else {
            // 0 means "unknown", not "none": the kernel gives up on notes
            // longer than 20 bytes and, on some versions, on pages not yet
            // in the page cache. Read the notes ourselves, once per file.
            let key = FileKey(device: mapping.device, inode: mapping.inode)
            if let cached = fileBuildIDs[key] {
                mapping.buildID = cached
            } else {
                mapping.buildID = MapFiles.buildID(pid: pid, of: mapping, system: system)
                fileBuildIDs[key] = mapping.buildID
            }
        }
        return mapping
    }
}
