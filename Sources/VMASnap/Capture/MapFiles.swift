import SystemPackage

/// Reading a mapped file through /proc/PID/map_files/START-END: the file the
/// process has mapped, whatever its path now names (deleted, replaced, or in
/// another mount namespace), and never a path the process could redirect.
enum MapFiles {
    /// The ELF build ID of the file mapped at [start, end), or nil.
    static func buildID(pid: Int32, start: UInt64, end: UInt64, system: SystemCalls) -> BuildID? {
        let path = "/proc/\(pid)/map_files/\(Hex.digits(start))-\(Hex.digits(end))"
        guard let file = try? OwnedDescriptor.open(path, .readOnly, system: system),
            let status = try? system.status(file.descriptor), status.type == .regular
        else { return nil }
        return ELFBuildIDReader.buildID(fileSize: UInt64(status.size)) { offset, count in
            guard offset <= UInt64(Int64.max) else { return nil }
            return try? file.read(at: Int64(offset), count: count)
        }
    }
}

extension MapFiles {
    /// Opens the file a mapping of `pid` maps, for reading, never fooled by
    /// a path: through /proc/PID/map_files/START-END, the file itself; where
    /// that is not permitted (map_files needs CAP_SYS_ADMIN in the process's
    /// user namespace, or is absent), the mapping's path, only if the file
    /// there is a regular file with the mapping's device and inode (opened
    /// without blocking and without following a last symlink, so that no
    /// FIFO or link planted there can stall or redirect the recorder).
    ///
    /// - Parameters:
    ///   - pid: The process.
    ///   - mapping: One of its mappings, as walked.
    ///   - system: The system calls.
    /// - Returns: The descriptor, which the caller closes; nil when neither works.
    static func open(pid: Int32, mapping: ExecutableMapping, system: SystemCalls) -> FileDescriptor? {
        let mapped = Array("/proc/\(pid)/map_files/\(Hex.digits(mapping.start))-\(Hex.digits(mapping.end))".utf8)
        if let descriptor = open(mapped, options: [], matching: mapping, system: system) { return descriptor }
        guard !mapping.path.isDeleted, mapping.path.bytes.first == UInt8(ascii: "/") else { return nil }
        return open(mapping.path.bytes, options: [.nonBlocking, .noFollow], matching: mapping, system: system)
    }

    /// `path` opened read-only if it is a regular file with the mapping's
    /// device and inode.
    private static func open(_ path: [UInt8], options: FileDescriptor.OpenOptions, matching mapping: ExecutableMapping,
                             system: SystemCalls) -> FileDescriptor? {
        guard !path.contains(0) else { return nil }
        let terminated = path.map { CChar(bitPattern: $0) } + [0]
        guard let descriptor = try? terminated.withUnsafeBufferPointer({ (cPath) throws(Errno) in
            try system.open(cPath.baseAddress!, nil, .readOnly, options.union(.closeOnExec), nil)
        }) else { return nil }
        if let status = try? system.status(descriptor), status.type == .regular,
           UInt64(status.inode.rawValue) == mapping.inode,
           MapFiles.device(UInt64(status.deviceID.rawValue)) == mapping.device
        {
            return descriptor
        }
        try? system.close(descriptor)
        return nil
    }

    /// A dev_t split into major and minor as glibc's major() and minor() do.
    static func device(_ value: UInt64) -> DeviceNumber {
        DeviceNumber(major: UInt32(truncatingIfNeeded: ((value >> 8) & 0xFFF) | ((value >> 32) & ~0xFFF)),
                     minor: UInt32(truncatingIfNeeded: (value & 0xFF) | ((value >> 12) & ~0xFF)))
    }
}
