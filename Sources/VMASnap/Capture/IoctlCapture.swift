#if canImport(Glibc)
import Glibc
#endif
import CProcmapQuery

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
    private let fd: Int32
    private var previous: [ExecutableMapping] = []
    private var fileBuildIDs: [FileKey: BuildID?] = [:]
    private var nameBuffer: UnsafeMutableRawBufferPointer
    private let buildIDBuffer: UnsafeMutableRawBufferPointer

    /// The largest name buffer vmasnap offers: PATH_MAX plus " (deleted)"
    /// fits many times; past this a name is not a path.
    private static let maximumNameBuffer = 1 << 20

    private static let walkFlags = UInt64(
        PROCMAP_QUERY_COVERING_OR_NEXT_VMA.rawValue | PROCMAP_QUERY_FILE_BACKED_VMA.rawValue
            | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)
    private static let coveringFlags = UInt64(
        PROCMAP_QUERY_FILE_BACKED_VMA.rawValue | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)

    /// Opens /proc/PID/maps of `pid`.
    public convenience init(pid: Int32) throws {
        try self.init(pid: pid, system: .live)
    }

    init(pid: Int32, system: SystemCalls) throws {
        self.pid = pid
        self.system = system
        self.fd = try ProcFiles.open(pid: pid, file: "maps", system: system)
        nameBuffer = .allocate(byteCount: 4352, alignment: 8)
        buildIDBuffer = .allocate(byteCount: BuildID.maximumLength, alignment: 8)
    }

    deinit {
        _ = system.close(fd)
        nameBuffer.deallocate()
        buildIDBuffer.deallocate()
    }

    /// Walks the executable file-backed mappings, in address order.
    public func capture() throws -> [ExecutableMapping] {
        var mappings: [ExecutableMapping] = []
        mappings.reserveCapacity(previous.count + 4)
        var cursor = 0
        var address: UInt64 = 0
        // On the first walk every mapping is new: ask for names right away
        // instead of querying each one twice.
        let firstWalk = previous.isEmpty
        while var mapping = try query(address: address, flags: IoctlCapture.walkFlags, names: firstWalk) {
            if !firstWalk {
                // The previous walk is in address order too: advance past the
                // mappings that were removed since.
                while cursor < previous.count && previous[cursor].start < mapping.start { cursor += 1 }
                if cursor < previous.count && previous[cursor].hasSameIdentity(as: mapping) {
                    mapping.path = previous[cursor].path
                    mapping.buildID = previous[cursor].buildID
                } else if let named = try query(address: mapping.start, flags: IoctlCapture.walkFlags, names: true) {
                    // The VMA may have changed between the two queries; the
                    // second answer is the one kept, and the walk goes on from it.
                    mapping = named
                } else {
                    break
                }
            }
            mappings.append(mapping)
            address = mapping.end
        }
        previous = mappings
        return mappings
    }

    /// The executable file-backed mapping covering `address` now, with its
    /// name and build ID, or nil: one ioctl, without COVERING_OR_NEXT.
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
            switch valueOrErrno({ system.procmapQuery(fd, &request) }) {
            case .success:
                return mapping(from: request, named: names)
            case .failure(let errno):
                switch errno {
                case .noSuchFile: return nil
                case .noSuchProcess: throw CaptureError.processExited(pid: pid)
                case .inappropriateIoctl: throw CaptureError.ioctlUnsupported(kernelRelease: KernelInfo.release)
                case .nameTooLong where names && nameBuffer.count < IoctlCapture.maximumNameBuffer:
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: nameBuffer.count * 4, alignment: 8)
                    nameBuffer.deallocate()
                    nameBuffer = larger
                    continue
                default:
                    throw CaptureError.queryRejected(pid: pid, errno: errno)
                }
            }
        }
    }

    /// A file, for the build-ID cache.
    private struct FileKey: Hashable {
        var device: DeviceNumber
        var inode: UInt64
    }

    private func mapping(from reply: procmap_query, named: Bool) -> ExecutableMapping {
        var path = MappedPath(bytes: [])
        var buildID: BuildID?
        if named {
            // vma_name_size counts the terminating NUL; 0 means no name.
            let length = Int(reply.vma_name_size)
            if length > 1 {
                path = MappedPath(bytes: Array(UnsafeRawBufferPointer(rebasing: nameBuffer[0..<(length - 1)])))
            }
            let idLength = Int(reply.build_id_size)
            if idLength > 0 && idLength <= buildIDBuffer.count {
                buildID = BuildID(UnsafeRawBufferPointer(rebasing: buildIDBuffer[0..<idLength]))
            } else {
                // 0 means "unknown", not "none": the kernel gives up on notes
                // longer than 20 bytes and, on some versions, on pages not yet
                // in the page cache. Read the notes ourselves, once per file.
                let key = FileKey(device: DeviceNumber(major: reply.dev_major, minor: reply.dev_minor), inode: reply.inode)
                if let cached = fileBuildIDs[key] {
                    buildID = cached
                } else {
                    buildID = MapFiles.buildID(pid: pid, start: reply.vma_start, end: reply.vma_end, system: system)
                    fileBuildIDs[key] = buildID
                }
            }
        }
        return ExecutableMapping(
            start: reply.vma_start, end: reply.vma_end, offset: reply.vma_offset,
            permissions: MappingPermissions(rawValue: UInt8(truncatingIfNeeded: reply.vma_flags & 0x0F)),
            device: DeviceNumber(major: reply.dev_major, minor: reply.dev_minor),
            inode: reply.inode, pageSize: reply.vma_page_size, path: path, buildID: buildID)
    }
}
