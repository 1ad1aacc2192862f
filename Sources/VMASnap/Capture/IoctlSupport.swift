import CProcmapQuery
import SystemPackage

/// Whether this kernel has PROCMAP_QUERY, probed once per run on /proc/self/maps.
enum IoctlSupport {
    private static let probed: Result<Bool, CaptureError> = probe(system: .live)

    /// True on Linux 6.11 and later. Throws when the probe itself fails in a
    /// way that means a bug (EINVAL), rather than answering "unsupported".
    static func isSupported() throws -> Bool { try probed.get() }

    /// One query at address 0 on our own maps: success or ENOENT means the
    /// ioctl exists; ENOTTY means it does not; anything else is reported.
    static func probe(system: SystemCalls) -> Result<Bool, CaptureError> {
        let maps: OwnedDescriptor
        do throws(Errno) {
            maps = try OwnedDescriptor.open("/proc/self/maps", .readOnly, system: system)
        } catch {
            return .failure(.system(SystemError(.open, "/proc/self/maps", error)))
        }
        var query = procmap_query()
        query.size = UInt64(MemoryLayout<procmap_query>.size)
        query.query_flags = UInt64(
            PROCMAP_QUERY_COVERING_OR_NEXT_VMA.rawValue | PROCMAP_QUERY_FILE_BACKED_VMA.rawValue
                | PROCMAP_QUERY_VMA_EXECUTABLE.rawValue)
        do throws(Errno) {
            try system.procmapQuery(maps.descriptor, &query)
            return .success(true)
        } catch .noSuchFileOrDirectory {
            return .success(true)
        } catch .inappropriateIOCTLForDevice {
            return .success(false)
        } catch {
            return .failure(.queryRejected(pid: system.processID(), errno: error))
        }
    }
}
