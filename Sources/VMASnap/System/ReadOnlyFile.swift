#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file opened for reading at offsets (pread), closed when the
/// value is released. Reading never maps the file, so a file truncated
/// while it is read gives short reads, not SIGBUS.
final class ReadOnlyFile {
    /// The descriptor.
    let descriptor: Int32
    /// The file's size when it was opened.
    let size: UInt64
    /// The file's device, which with the inode identifies it whatever its path.
    let device: UInt64
    /// The file's inode.
    let inode: UInt64
    private let system: SystemCalls

    /// Opens `path`.
    ///
    /// - Throws: `SystemError` when it cannot be opened or is not a regular file.
    convenience init(path: String, system: SystemCalls = .live) throws {
        try self.init(path: Array(path.utf8), system: system)
    }

    /// Opens the file whose path is these raw bytes (paths need not be UTF-8).
    ///
    /// - Throws: `SystemError` when it cannot be opened or is not a regular file.
    init(path bytes: [UInt8], system: SystemCalls = .live) throws {
        self.system = system
        let path = String(decoding: bytes, as: UTF8.self)
        guard !bytes.contains(0) else { throw SystemError(.open, path, .invalidArgument) }
        let terminated = bytes + [0]
        let opened = terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cPath in
                valueOrErrno { system.open(cPath, O_RDONLY | O_CLOEXEC, 0) }
            }
        }
        let descriptor: Int32
        switch opened {
        case .failure(let error): throw SystemError(.open, path, error)
        case .success(let value): descriptor = value
        }
        var status = stat()
        if case .failure(let error) = valueOrErrno({ system.fstat(descriptor, &status) }) {
            _ = system.close(descriptor)
            throw SystemError(.stat, path, error)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            _ = system.close(descriptor)
            throw SystemError(.open, path, Errno(rawValue: (status.st_mode & S_IFMT) == S_IFDIR ? EISDIR : EINVAL))
        }
        self.descriptor = descriptor
        size = UInt64(status.st_size)
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    deinit { _ = system.close(descriptor) }

    /// Up to `count` bytes at `offset`: fewer at the end of the file, nil
    /// when a read fails.
    func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(Int64.max) - UInt64(count) else { return nil }
        var failed = false
        // Read straight into the array's storage: no zero-filling first.
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let result = valueOrErrno { system.pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
                guard case .success(let got) = result else { failed = true; break }
                if got == 0 { break }
                filled += got
            }
            initialized = filled
        }
        return failed ? nil : bytes
    }
}
