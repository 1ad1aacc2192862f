/// The paths, build IDs, files and processes a recording defines, by number.
struct Definitions {
    var paths: [MappedPath] = []
    var buildIDs: [BuildID] = []
    var files: [RecordedFile] = []
    /// Processes as their latest EXEC records name them.
    var processes: [RecordedProcess] = []
    /// Processes as their PROCESS records named them, when first seen.
    var processesAsFirstSeen: [RecordedProcess] = []
    /// PERF_CLOCK measurements, recording times relative to the start.
    var perfClocks: [(perfTime: UInt64, recordingTime: UInt64, uncertainty: UInt64)] = []
    /// SYMBOLS tables, the first of each build ID, in file order.
    var symbolTables: [StoredSymbolTable] = []
    private var symbolTableBuildIDs: Set<Int> = []
    /// The last RECORDER_REPORT (spec 3.6: a reader uses the last).
    var recorderReport: RecorderReport?

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
        case .perfClock(let perfTime, let recordingTime, let uncertainty):
            perfClocks.append((perfTime, recordingTime, uncertainty))
        case .symbols(let buildID, let decodedLength, let compressed):
            guard buildID < buildIDs.count else { throw FormatError.Reason.undefined("build ID number", number: UInt64(buildID)) }
            // The first table of a build ID counts; a later one is ignored (spec 3.5).
            if symbolTableBuildIDs.insert(buildID).inserted {
                symbolTables.append(StoredSymbolTable(buildID: buildIDs[buildID], decodedLength: decodedLength, compressed: compressed))
            }
        case .recorderReport(let report):
            recorderReport = report
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
