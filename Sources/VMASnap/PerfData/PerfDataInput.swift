#if canImport(Glibc)
import Glibc
#endif

/// Where a perf.data reader gets its bytes: a file read by offset (pread),
/// or a pipe (`perf record -o -`) read front to back. All of the reader's
/// I/O is here, so that it moves with the system layer in one piece.
final class PerfDataInput {
    /// The name in errors ("perf.data", a path, "standard input").
    let name: String
    /// The size of a regular file; nil for a pipe or another stream.
    let size: UInt64?
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let system = SystemCalls.live
    /// The offset of the next sequential read (a stream's bytes consumed).
    private(set) var position: UInt64 = 0

    /// Opens the file at `path` for reading.
    ///
    /// - Throws: `SystemError` when it cannot be opened.
    init(path: String) throws {
        let result = path.withCString { cPath in valueOrErrno { SystemCalls.live.open(cPath, O_RDONLY | O_CLOEXEC, 0) } }
        switch result {
        case .success(let fd):
            self.fd = fd
        case .failure(let errno):
            throw SystemError(.open, path, errno)
        }
        name = path
        ownsDescriptor = true
        size = PerfDataInput.regularFileSize(fd)
    }

    /// Reads `fd` (not closed here), a file or a pipe.
    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        ownsDescriptor = false
        size = PerfDataInput.regularFileSize(fd)
    }

    deinit {
        if ownsDescriptor { _ = system.close(fd) }
    }

    /// Whether the input can be read by offset.
    var isSeekable: Bool { size != nil }

    private static func regularFileSize(_ fd: Int32) -> UInt64? {
        var status = stat()
        guard SystemCalls.live.fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return UInt64(status.st_size)
    }

    /// Up to `count` bytes at `offset` of a file: fewer only at its end.
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = try buffer.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        buffer.removeSubrange(got...)
        return buffer
    }

    /// Fills `buffer` from `offset` of a file; returns the bytes read (fewer
    /// only at its end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let result = valueOrErrno { system.pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done)) }
            switch result {
            case .success(0): return done
            case .success(let count): done += count
            case .failure(let errno): throw SystemError(.read, name, errno)
            }
        }
        return done
    }

    /// Fills `buffer` with the next bytes of the input, by offset for a
    /// file, by read() for a stream; returns the bytes read (fewer only at
    /// the end).
    func readNext(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isSeekable {
            let count = try read(into: buffer, at: position)
            position += UInt64(count)
            return count
        }
        var done = 0
        while done < buffer.count {
            let result = valueOrErrno { system.read(fd, buffer.baseAddress! + done, buffer.count - done) }
            switch result {
            case .success(0):
                position += UInt64(done)
                return done
            case .success(let count): done += count
            case .failure(let errno): throw SystemError(.read, name, errno)
            }
        }
        position += UInt64(done)
        return done
    }

    /// Moves the sequential position of a file to `offset`.
    func seek(to offset: UInt64) {
        precondition(isSeekable, "a stream cannot seek")
        position = offset
    }
}
