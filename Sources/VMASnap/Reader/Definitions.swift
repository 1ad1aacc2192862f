/// The paths, build IDs, files and processes a recording defines, by number.
struct Definitions {
    var paths: [MappedPath] = []
    var buildIDs: [BuildID] = []
    var files: [RecordedFile] = []
    /// Processes as their latest EXEC records name them.
    var processes: [RecordedProcess] = []
    /// Processes as their PROCESS records named them, when first seen.
    var processesAsFirstSeen: [RecordedProcess] = []

    /// Takes a definition record (others are ignored) as a `RecordReplay`
    /// took it: the replay has counted it and checked what it refers to, so
    /// the numbers here are in range.
    mutating func apply(_ step: RecordReplay.Step) throws {
        switch step.record {
        case .path(let bytes):
            paths.append(MappedPath(bytes: bytes))
        case .buildID(let bytes):
            guard let buildID = BuildID(bytes) else { throw FormatError.Reason.invalid("an empty build ID") }
            buildIDs.append(buildID)
        case .file(let file):
            files.append(RecordedFile(
                device: DeviceNumber(major: UInt32(truncatingIfNeeded: file.device >> 20),
                                     minor: UInt32(truncatingIfNeeded: file.device & 0xF_FFFF)),
                inode: file.inode, path: paths[file.path], buildID: file.buildID.map { buildIDs[$0] }))
        case .process(let process):
            processes.append(RecordedProcess(
                identity: ProcessIdentity(pid: Int32(truncatingIfNeeded: process.pid), startTime: process.startTime),
                parentPID: Int32(truncatingIfNeeded: process.parentPID), command: process.command,
                executable: process.executable.map { paths[$0] }))
            processesAsFirstSeen.append(processes[processes.count - 1])
        case .exec(let process, let executable, let command):
            processes[process].command = command
            processes[process].executable = executable.map { paths[$0] }
        default:
            break
        }
    }

    /// What the replay checks definitions' references against: the counts of each kind.
    var counts: RecordReplay.DefinitionCounts {
        RecordReplay.DefinitionCounts(paths: paths.count, buildIDs: buildIDs.count, files: files.count, processes: processes.count)
    }

    /// The mapping a stored mapping stands for.
    func mapping(_ stored: StoredMapping) throws -> ExecutableMapping {
        guard stored.file < files.count else { throw FormatError.Reason.undefined("file number", number: UInt64(stored.file)) }
        let file = files[stored.file]
        return ExecutableMapping(
            start: stored.start, end: stored.end, offset: stored.offset,
            permissions: MappingPermissions(rawValue: stored.permissions), device: file.device, inode: file.inode,
            pageSize: stored.pageSize, path: file.path, buildID: file.buildID)
    }

    /// The mappings stored mappings stand for.
    func mappings(_ stored: [StoredMapping]) throws -> [ExecutableMapping] {
        try stored.map { try mapping($0) }
    }
}
