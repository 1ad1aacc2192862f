#if canImport(Glibc)
import Glibc
#endif
import CProcmapQuery

/// Whether this kernel has PROCMAP_QUERY, probed once per run on /proc/self/maps.
enum IoctlSupport {
    private static let probed: Result<Bool, CaptureError> = probe(system: .live)

    /// True on Linux 6.11 and later. Throws when the probe itself fails in a
    /// way that means a bug (EINVAL), rather than answering "unsupported".
    static func isSupported() throws -> Bool { try probed.get() }

    /// One query at address 0 on our own maps: success or ENOENT means the
    /// ioctl exists; ENOTTY means it does not; anything else is reported.
    static func probe(system: SystemCalls) -> Result<Bool, CaptureError> {
        let opened = "/proc/self/maps".withCString { path in
            valueOrErrno { system.open(path, O_RDONLY | O_CLOEXEC, 0) }
        }
        guard case .success(let fd) = opened else {
            if case .failure(let errno) = opened {
                return .failure(.system(SystemError(.open, "/proc/self/maps", errno)))
            }
            return .success(false)
        }
        defer { _ = system.close(fd) }
        var query = procmap_query()
        query.size = UInt64(MemoryLayout<procmap_query>.size)
        query.query_flags = UInt64(
            PROCMAP_QUERY_COVERING_OR_NEXT_VMA.rawValue | PROCMAP_QUERY_FILE_BACKED_VMA.rawValue
                | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)
        switch valueOrErrno({ system.procmapQuery(fd, &query) }) {
        case .success: return .success(true)
        case .failure(let errno) where errno == .noSuchFile: return .success(true)
        case .failure(let errno) where errno == .inappropriateIoctl: return .success(false)
        case .failure(let errno): return .failure(.queryRejected(pid: getpid(), errno: errno))
        }
    }
}
