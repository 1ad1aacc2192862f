import SystemPackage

/// Reading the ELF notes of a mapped file, for the build IDs the kernel does
/// not report.
///
/// The file is opened through /proc/PID/map_files/START-END: the file the
/// process has mapped, whatever its path now names (deleted, replaced, or in
/// another mount namespace), and never a path the process could redirect.
/// Opening those needs CAP_SYS_ADMIN (EPERM otherwise, even for one's own
/// processes), so without it the mapped path is opened through
/// /proc/PID/root, which the process could have redirected: the file is
/// first opened with O_PATH (no side effect, even on a device or a FIFO),
/// and read only if it is a regular file with the mapping's device and
/// inode, that is, the mapped file itself.
enum MapFiles {
    /// The ELF build ID of the file `mapping` maps in process `pid`, or nil.
    static func buildID(pid: Int32, of mapping: ExecutableMapping, system: SystemCalls) -> BuildID? {
        open(pid: pid, of: mapping, system: system).flatMap { buildID(of: $0, system: system) }
    }

    /// The ELF build ID of the file `mapping` maps, read from its path in the
    /// recorder's own root if that still names it (same device and inode):
    /// for a process gone before it could be walked, whose MMAP2 record gave
    /// the device and inode but no build ID.
    static func buildID(ofFileAt mapping: ExecutableMapping, system: SystemCalls) -> BuildID? {
        openByPath([], of: mapping, system: system).flatMap { buildID(of: $0, system: system) }
    }

    private static func buildID(of file: OwnedDescriptor, system: SystemCalls) -> BuildID? {
        guard let status = try? system.status(file.descriptor) else { return nil }
        return ELFBuildIDReader.buildID(fileSize: UInt64(max(status.size, 0))) { offset, count in
            guard offset <= UInt64(Int64.max) else { return nil }
            return try? file.read(at: Int64(offset), count: count)
        }
    }

    /// The file `mapping` maps in process `pid`, opened for reading (a
    /// regular file): through map_files, else, where that is not permitted,
    /// by its path if the path still names it. `record --keep-symbols` reads
    /// each new build ID's file through this too.
    ///
    /// - Returns: The open file, or nil.
    static func open(pid: Int32, of mapping: ExecutableMapping, system: SystemCalls) -> OwnedDescriptor? {
        let path = "/proc/\(pid)/map_files/\(Hex.digits(mapping.start))-\(Hex.digits(mapping.end))"
        let file: OwnedDescriptor
        do throws(Errno) {
            file = try OwnedDescriptor.open(path, .readOnly, system: system)
        } catch .notPermitted, .permissionDenied {
            return openByPath(Array("/proc/\(pid)/root".utf8), of: mapping, system: system)
        } catch {
            return nil
        }
        guard let status = try? system.status(file.descriptor), status.type == .regular else { return nil }
        return file
    }

    /// The mapped file opened by its path under `root` (the process's root,
    /// or none: the recorder's), if the path still names it (same device and
    /// inode); nil otherwise.
    private static func openByPath(_ root: [UInt8], of mapping: ExecutableMapping, system: SystemCalls) -> OwnedDescriptor? {
        let name = mapping.path.bytes
        // A deleted file's name is no longer its name; a pseudo-name is no path.
        guard name.first == UInt8(ascii: "/"), !mapping.path.isDeleted else { return nil }
        let rooted = root + name
        guard !rooted.contains(0),
            let named = try? OwnedDescriptor.open(
                String(decoding: rooted, as: UTF8.self), .readOnly, options: .pathOnly, system: system),
            isMappedFile(named, of: mapping, system: system),
            // Reopened through the descriptor: the same inode, now readable.
            let file = try? OwnedDescriptor.open(
                "/proc/self/fd/\(named.descriptor.rawValue)", .readOnly, options: .nonBlocking, system: system),
            isMappedFile(file, of: mapping, system: system)
        else { return nil }
        return file
    }

    private static func isMappedFile(_ file: OwnedDescriptor, of mapping: ExecutableMapping, system: SystemCalls) -> Bool {
        guard let status = try? system.status(file.descriptor) else { return false }
        return status.type == .regular && UInt64(status.inode.rawValue) == mapping.inode
            && DeviceNumber(encoded: UInt64(status.deviceID.rawValue)) == mapping.device
    }

}
