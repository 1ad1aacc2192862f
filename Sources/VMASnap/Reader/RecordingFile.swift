#if canImport(Glibc)
import Glibc
#endif

/// A recording file open for reading by offset (pread), so that a reader
/// holds only the frames it is decoding, never the whole file.
final class RecordingFile {
    let fd: Int32
    let path: String
    /// The size when opened.
    let size: UInt64
    let system = SystemCalls.live

    /// Opens `path` read-only.
    init(path: String) throws {
        let result = path.withCString { cPath in valueOrErrno { SystemCalls.live.open(cPath, O_RDONLY | O_CLOEXEC, 0) } }
        let fd: Int32
        switch result {
        case .success(let opened):
            fd = opened
        case .failure(let errno):
            throw SystemError(.open, path, errno)
        }
        self.fd = fd
        self.path = path
        switch valueOrErrno({ SystemCalls.live.seek(fd, 0, SEEK_END) }) {
        case .success(let end):
            size = UInt64(end)
        case .failure(let errno):
            _ = SystemCalls.live.close(fd)
            throw SystemError(.read, path, errno)
        }
    }

    deinit { _ = system.close(fd) }

    /// Up to `count` bytes at `offset`: fewer only at the end of the file.
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        var buffer = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let result = buffer.withUnsafeMutableBytes { raw in
                valueOrErrno { system.pread(fd, raw.baseAddress! + done, wanted - done, off_t(offset) + off_t(done)) }
            }
            switch result {
            case .success(0):
                buffer.removeSubrange(done...)
                return buffer
            case .success(let n):
                done += n
            case .failure(let errno):
                throw SystemError(.read, path, errno)
            }
        }
        return buffer
    }
}
