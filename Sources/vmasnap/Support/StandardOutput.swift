import SystemPackage
import VMASnap

/// Buffered writing to standard output: lookups print millions of lines, and
/// print() flushes too often for that. A write that fails is an error: a
/// closed pipe is `BrokenPipe` (the command then stops quietly), anything
/// else (a full disk, /dev/full) a `SystemError`.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let descriptor: FileDescriptor

    /// A writer to `descriptor`, standard output by default.
    init(descriptor: FileDescriptor = .standardOutput) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends `text` and a newline.
    func line(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends raw bytes and a newline.
    func line(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes out everything buffered.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        do throws(Errno) {
            try StandardStreams.write(buffer, to: descriptor)
        } catch .brokenPipe {
            throw BrokenPipe()
        } catch {
            throw SystemError(.write, "standard output", error)
        }
    }
}

/// Standard output was a pipe whose reader went away: stop quietly, with the
/// status a shell gives a command SIGPIPE ended (141).
struct BrokenPipe: Error {}

/// One-line messages on standard error.
enum StandardError {
    /// Writes `text` and a newline to stderr at once; a failure is ignored
    /// (there is nowhere left to report it).
    static func line(_ text: String) {
        try? StandardStreams.write(Array((text + "\n").utf8), to: .standardError)
    }
}
