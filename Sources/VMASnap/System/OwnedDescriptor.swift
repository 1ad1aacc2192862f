import SystemPackage

/// A file descriptor and the one object responsible for closing it.
///
/// `close()` closes it exactly once and reports the kernel's answer (a
/// write-back error can surface only there); a descriptor still open when its
/// owner goes away is closed then, its error dropped, which is right only for
/// descriptors that were read. Whoever writes calls `close()`.
final class OwnedDescriptor {
    /// The descriptor, valid until `close()`.
    let descriptor: FileDescriptor
    /// The calls it is closed with.
    let system: SystemCalls
    private var isClosed = false

    /// Takes ownership of `descriptor`.
    init(_ descriptor: FileDescriptor, system: SystemCalls) {
        self.descriptor = descriptor
        self.system = system
    }

    /// Opens `path` (relative to `directory` when given) and owns the descriptor.
    static func open(
        _ path: String, in directory: FileDescriptor? = nil, _ mode: FileDescriptor.AccessMode,
        options: FileDescriptor.OpenOptions = [], permissions: FilePermissions? = nil, system: SystemCalls
    ) throws(Errno) -> OwnedDescriptor {
        let descriptor = try path.withCStringTyped { (cPath) throws(Errno) in
            try system.open(cPath, directory, mode, options.union(.closeOnExec), permissions)
        }
        return OwnedDescriptor(descriptor, system: system)
    }

    deinit {
        if !isClosed { try? system.close(descriptor) }
    }

    /// Gives up ownership: the descriptor is no longer closed by this
    /// object, and whoever takes it closes it.
    ///
    /// - Returns: The descriptor.
    func release() -> FileDescriptor {
        isClosed = true
        return descriptor
    }

    /// Closes the descriptor; later calls do nothing.
    ///
    /// - Throws: `Errno` from close(2) (EIO for a write-back error, for example).
    func close() throws(Errno) {
        guard !isClosed else { return }
        isClosed = true
        try system.close(descriptor)
    }

    /// Runs `body` with the descriptor, then closes it, reporting the first
    /// error: `body`'s, or else the close's.
    ///
    /// - Throws: what `body` throws, or `Errno` from close(2).
    func closeAfter<Result>(_ body: (FileDescriptor) throws -> Result) throws -> Result {
        let result: Result
        do {
            result = try body(descriptor)
        } catch {
            try? close()
            throw error
        }
        try close()
        return result
    }

    /// Reads from the current offset until the buffer is full or the file
    /// ends; returns the bytes read.
    ///
    /// - Throws: `Errno` from read(2).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try system.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Reads `count` bytes at `offset` (fewer only where the file ends).
    ///
    /// - Throws: `Errno` from pread(2).
    func read(at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        try OwnedDescriptor.read(from: descriptor, at: offset, count: count, system: system)
    }

    /// Reads `count` bytes at `offset` of a descriptor the caller owns (fewer
    /// only where the file ends).
    ///
    /// - Throws: `Errno` from pread(2).
    static func read(from descriptor: FileDescriptor, at offset: Int64, count: Int, system: SystemCalls) throws(Errno)
        -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: count)
        var total = 0
        try bytes.withUnsafeMutableBytesTyped { (raw) throws(Errno) in
            while total < count {
                let got = try system.readAt(descriptor, offset + Int64(total), UnsafeMutableRawBufferPointer(rebasing: raw[total...]))
                if got == 0 { break }
                total += got
            }
        }
        if total < count { bytes.removeSubrange(total...) }
        return bytes
    }

    /// Reads the whole file from offset 0 into `buffer`, growing it as
    /// needed; returns the byte count. /proc files report size 0, so this
    /// reads until the end sequentially: a seq_file restarts its walk on
    /// every read at an unexpected offset, which would make pread quadratic.
    ///
    /// - Throws: `Errno` from lseek(2) or read(2).
    func readAll(into buffer: inout [UInt8]) throws(Errno) -> Int {
        if buffer.count < 4096 { buffer = [UInt8](repeating: 0, count: 65536) }
        _ = try system.seek(descriptor, 0, .start)
        var total = 0
        while true {
            if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = try buffer.withUnsafeMutableBytesTyped { (raw) throws(Errno) in
                try system.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: raw[total...]))
            }
            if count == 0 { return total }
            total += count
        }
    }

    /// Writes all of `bytes` at the current offset.
    ///
    /// - Throws: `Errno` from write(2) (ENOSPC when it wrote nothing).
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        try OwnedDescriptor.writeAll(bytes, to: descriptor, system: system)
    }

    /// Writes all of `bytes` to a descriptor the caller owns.
    ///
    /// - Throws: `Errno` from write(2) (ENOSPC when it wrote nothing).
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: FileDescriptor, system: SystemCalls) throws(Errno) {
        var written = 0
        while written < bytes.count {
            let count = try system.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[written...]))
            // A write of nothing to a file means no room (write(2) says so only in its return).
            guard count > 0 else { throw Errno.noSpace }
            written += count
        }
    }
}
