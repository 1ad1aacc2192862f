#if canImport(Glibc)
import Glibc
#endif

/// Buffered writing to standard output: lookups print millions of lines, and
/// print() flushes too often for that.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let fd: Int32

    /// A writer to `fd`, standard output by default.
    init(fd: Int32 = STDOUT_FILENO) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    deinit { flush() }

    /// Appends `text` and a newline.
    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends raw bytes and a newline.
    func line(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes out everything buffered.
    func flush() {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                break
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// One-line messages on standard error.
enum StandardError {
    /// Writes `text` and a newline to stderr at once.
    static func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
