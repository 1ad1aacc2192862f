#if canImport(Glibc)
import Glibc
#endif

/// Reading a mapped file through /proc/PID/map_files/START-END: the file the
/// process has mapped, whatever its path now names (deleted, replaced, or in
/// another mount namespace), and never a path the process could redirect.
enum MapFiles {
    /// The ELF build ID of the file mapped at [start, end), or nil.
    static func buildID(pid: Int32, start: UInt64, end: UInt64, system: SystemCalls = .live) -> BuildID? {
        let path = "/proc/\(pid)/map_files/\(String(start, radix: 16))-\(String(end, radix: 16))"
        let opened = path.withCString { cPath in valueOrErrno { system.open(cPath, O_RDONLY | O_CLOEXEC, 0) } }
        guard case .success(let fd) = opened else { return nil }
        defer { _ = system.close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return ELFBuildIDReader.buildID(fileSize: UInt64(status.st_size)) { offset, count in
            var bytes = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let result = bytes.withUnsafeMutableBytes { raw in
                    valueOrErrno { system.pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
                }
                guard case .success(let got) = result, got > 0 else { break }
                filled += got
            }
            return Array(bytes[0..<filled])
        }
    }
}
