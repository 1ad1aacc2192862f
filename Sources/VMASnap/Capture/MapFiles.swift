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
