#if canImport(Glibc)
import Glibc
#endif

/// Reading a small text file whole (/proc and /sys settings, tracefs ids
/// and formats), through the system-call table.
enum TextFile {
    /// The file's text (invalid UTF-8 repaired).
    static func read(_ path: String, system: SystemCalls) -> Result<String, Errno> {
        let opened = path.withCString { name in valueOrErrno { system.open(name, O_RDONLY | O_CLOEXEC, 0) } }
        guard case .success(let fd) = opened else {
            if case .failure(let errno) = opened { return .failure(errno) }
            return .failure(.noSuchFile)
        }
        defer { _ = system.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in valueOrErrno { system.read(fd, raw.baseAddress, raw.count) } }
            switch count {
            case .success(0): return .success(String(decoding: bytes, as: UTF8.self))
            case .success(let count): bytes += chunk[0..<count]
            case .failure(let errno): return .failure(errno)
            }
        }
    }
}
