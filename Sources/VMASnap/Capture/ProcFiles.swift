#if canImport(Glibc)
import Glibc
#endif

/// Opening files under /proc/PID with the errors users need to see.
enum ProcFiles {
    /// Opens /proc/PID/FILE read-only. ENOENT becomes "no such process" and
    /// EACCES/EPERM "permission denied", which carries the ptrace hint.
    static func open(pid: Int32, file: String, system: SystemCalls = .live) throws -> Int32 {
        let path = "/proc/\(pid)/\(file)"
        let result = path.withCString { cPath in
            valueOrErrno { system.open(cPath, O_RDONLY | O_CLOEXEC, 0) }
        }
        switch result {
        case .success(let fd): return fd
        case .failure(let errno) where errno == .noSuchFile || errno == .noSuchProcess:
            throw CaptureError.noSuchProcess(pid: pid)
        case .failure(let errno) where errno == .permissionDenied || errno == .notPermitted:
            throw CaptureError.permissionDenied(pid: pid)
        case .failure(let errno):
            throw CaptureError.system(SystemError(.open, path, errno))
        }
    }

    /// Reads a whole file from offset 0 into `buffer`, growing it as needed;
    /// returns the byte count. /proc files report size 0, so this reads until
    /// end of file, sequentially: a seq_file restarts its walk on every read
    /// at an unexpected position, which would make pread quadratic.
    static func readAll(fd: Int32, into buffer: inout [UInt8], system: SystemCalls = .live) -> Result<Int, Errno> {
        if buffer.count < 4096 { buffer = [UInt8](repeating: 0, count: 65536) }
        if case .failure(let errno) = valueOrErrno({ system.seek(fd, 0, SEEK_SET) }) { return .failure(errno) }
        var total = 0
        while true {
            if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let result = buffer.withUnsafeMutableBytes { raw in
                valueOrErrno {
                    system.read(fd, raw.baseAddress! + total, raw.count - total)
                }
            }
            switch result {
            case .success(0): return .success(total)
            case .success(let count): total += count
            case .failure(let errno): return .failure(errno)
            }
        }
    }
}
