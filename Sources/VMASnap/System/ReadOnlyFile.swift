import SystemPackage

/// A regular file opened for reading at offsets (pread), closed when the
/// value is released. Reading never maps the file, so a file truncated
/// while it is read gives short reads, not SIGBUS.
final class ReadOnlyFile {
    /// The open file.
    let file: OwnedDescriptor
    /// The file's size when it was opened.
    let size: UInt64
    /// The file's device, which with the inode identifies it whatever its path.
    let device: UInt64
    /// The file's inode.
    let inode: UInt64

    /// The raw descriptor, for libraries that read it themselves (libelf).
    var descriptor: Int32 { file.descriptor.rawValue }

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
        let path = String(decoding: bytes, as: UTF8.self)
        guard !bytes.contains(0) else { throw SystemError(.open, path, .invalidArgument) }
        let terminated = bytes.map { CChar(bitPattern: $0) } + [0]
        do throws(Errno) {
            let descriptor = try terminated.withUnsafeBufferPointer { (cPath) throws(Errno) in
                try system.open(cPath.baseAddress!, nil, .readOnly, .closeOnExec, nil)
            }
            file = OwnedDescriptor(descriptor, system: system)
        } catch {
            throw SystemError(.open, path, error)
        }
        (size, device, inode) = try ReadOnlyFile.check(file, path: path)
    }

    /// Takes ownership of an open descriptor (closed with the value, or at
    /// once when it is not a regular file).
    ///
    /// - Parameters:
    ///   - descriptor: A descriptor opened for reading.
    ///   - name: What to call it in errors.
    /// - Throws: `SystemError` when it is not a regular file.
    init(owning descriptor: FileDescriptor, name: String, system: SystemCalls = .live) throws {
        file = OwnedDescriptor(descriptor, system: system)
        (size, device, inode) = try ReadOnlyFile.check(file, path: name)
    }

    /// The size, device and inode of a regular file.
    private static func check(_ file: OwnedDescriptor, path: String) throws -> (UInt64, UInt64, UInt64) {
        let status: Stat
        do throws(Errno) {
            status = try file.system.status(file.descriptor)
        } catch {
            throw SystemError(.stat, path, error)
        }
        guard status.type == .regular else {
            throw SystemError(.open, path, status.type == .directory ? .isDirectory : .invalidArgument)
        }
        return (UInt64(max(0, status.size)), UInt64(status.deviceID.rawValue), UInt64(status.inode.rawValue))
    }

    /// Up to `count` bytes at `offset`: fewer at the end of the file, nil
    /// when a read fails.
    func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(Int64.max) - UInt64(count) else { return nil }
        let system = file.system
        let descriptor = file.descriptor
        var failed = false
        // Read straight into the array's storage: no zero-filling first.
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                do throws(Errno) {
                    let got = try system.readAt(descriptor, Int64(offset) + Int64(filled),
                                                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[filled...]))
                    if got == 0 { break }
                    filled += got
                } catch {
                    failed = true
                    break
                }
            }
            initialized = filled
        }
        return failed ? nil : bytes
    }
}
