import SystemPackage

/// Captures a process's executable mappings by parsing /proc/PID/maps text,
/// for kernels before 6.11.
///
/// Lines are kept when executable and file-backed. Build IDs are read from the
/// ELF notes through /proc/PID/map_files/START-END, never by the path the
/// process chose, so deleted, replaced and in-container files are read as the
/// process sees them; they are cached by (device, inode).
public final class TextCapture: MappingCapture {
    /// The process.
    public let pid: Int32
    /// Always `.text`.
    public var backend: CaptureBackend { .text }

    private let system: SystemCalls
    private var maps: OwnedDescriptor
    private var buffer: [UInt8] = []
    private var buildIDs: [FileIdentity: BuildID?] = [:]
    private var paths: [[UInt8]: MappedPath] = [:]
    /// What the walks so far met.
    public private(set) var walkStatistics = WalkStatistics()

    private struct FileIdentity: Hashable {
        var device: DeviceNumber
        var inode: UInt64
    }

    /// Opens /proc/PID/maps of `pid`.
    ///
    /// - Throws: `CaptureError`: no such process, permission denied (ptrace), or another open failure.
    public convenience init(pid: Int32) throws {
        try self.init(pid: pid, system: .live)
    }

    init(pid: Int32, system: SystemCalls) throws {
        self.pid = pid
        self.system = system
        self.maps = try ProcFiles.open(pid: pid, file: "maps", system: system)
    }

    /// Reads and parses the maps text, keeping executable file-backed lines.
    ///
    /// - Throws: `CaptureError`: the process exited, or reading the text failed.
    public func capture() throws -> [ExecutableMapping] {
        var lines = try consistentLines()
        for index in lines.indices {
            lines[index].buildID = buildID(for: lines[index])
        }
        return lines
    }

    /// The mapping covering `address`, from a full read of the text.
    ///
    /// - Throws: `CaptureError`, as `capture()` does.
    public func mapping(covering address: UInt64) throws -> ExecutableMapping? {
        guard var mapping = try consistentLines().first(where: { $0.contains(address) }) else { return nil }
        mapping.buildID = buildID(for: mapping)
        return mapping
    }

    /// The parsed lines, without build IDs, in address order and not
    /// overlapping. The kernel fills each read() of the text a page at a
    /// time, letting the process run between two pages, so a line can
    /// overlap one before it (see `WalkStatistics`): the later line is the
    /// newer, and the text is read once more. What the second read meets is
    /// kept as it is, without the lines the newer ones overlap.
    private func consistentLines() throws -> [ExecutableMapping] {
        var walk = WalkAssembly(prefix: EmptyCollection(), restartLimit: 0)
        for line in try readLines() { _ = walk.take(line) }
        if walk.statistics.walksMeetingChanges > 0 {
            walkStatistics = walkStatistics + walk.statistics
            walk = WalkAssembly(prefix: EmptyCollection(), restartLimit: 0)
            for line in try readLines() { _ = walk.take(line) }
        }
        walkStatistics = walkStatistics + walk.statistics
        return walk.mappings
    }

    /// The parsed lines, without build IDs, in the order of the text.
    private func readLines() throws -> [ExecutableMapping] {
        var length = try read()
        if length == 0 {
            // A descriptor opened before an exec() reads as empty: the old mm is
            // gone. Reopen once; a process with no mappings at all has exited.
            maps = try ProcFiles.open(pid: pid, file: "maps", system: system)
            length = try read()
            if length == 0 { throw CaptureError.gone(pid: pid) }
        }
        var mappings: [ExecutableMapping] = []
        let pageSize = UInt64(system.pageSize())
        buffer.withUnsafeBufferPointer { text in
            MapsTextParser.forEachExecutableFileLine(UnsafeBufferPointer(rebasing: text[0..<length])) { line in
                let path: MappedPath
                if let known = paths[line.pathBytes] {
                    path = known
                } else {
                    path = MappedPath(bytes: line.pathBytes)
                    paths[line.pathBytes] = path
                }
                mappings.append(ExecutableMapping(
                    start: line.start, end: line.end, offset: line.offset, permissions: line.permissions,
                    device: line.device, inode: line.inode, pageSize: pageSize, path: path, buildID: nil))
            }
        }
        return mappings
    }

    private func read() throws -> Int {
        do throws(Errno) {
            return try maps.readAll(into: &buffer)
        } catch .noSuchProcess {
            throw CaptureError.gone(pid: pid)
        } catch {
            throw CaptureError.system(SystemError(.read, "/proc/\(pid)/maps", error))
        }
    }

    private func buildID(for mapping: ExecutableMapping) -> BuildID? {
        let identity = FileIdentity(device: mapping.device, inode: mapping.inode)
        if let cached = buildIDs[identity] { return cached }
        let id = MapFiles.buildID(pid: pid, of: mapping, system: system)
        buildIDs[identity] = id
        return id
    }
}
