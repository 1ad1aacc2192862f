/// One record of a records frame, numbers unresolved, times relative to the
/// header's start.
enum Record: Hashable, Sendable {
    case path([UInt8])
    case buildID([UInt8])
    case file(StoredFile)
    case process(StoredProcess)
    /// A process ran exec(): the same process (pid and start time), a new
    /// command name and executable from here on.
    case exec(process: Int, executable: Int?, command: [UInt8])
    /// A measurement of perf's clock (format 1.1): perf time (absolute),
    /// recording time (after the header's start), uncertainty, in nanoseconds.
    case perfClock(perfTime: UInt64, recordingTime: UInt64, uncertainty: UInt64)
    /// A stored symbol table (format 1.1, `record --keep-symbols`): the
    /// build-ID number, the table's length, the table compressed as one zstd frame.
    case symbols(buildID: Int, decodedLength: UInt64, compressed: [UInt8])
    /// What the recorder met (format 1.1), written as it finished.
    case recorderReport(RecorderReport)
    case round(time: UInt64)
    case quiet(count: UInt64, first: UInt64, last: UInt64)
    /// `eventDated` (format 1.2): a kernel event dated every change from the
    /// process's previous set at exactly this record's time (§3.3).
    case keyframe(process: Int, mappings: [StoredMapping], delay: UInt64 = 0, eventDated: Bool = false)
    /// Removed mappings by start address, ascending.
    case delta(process: Int, removed: [UInt64], added: [StoredMapping], delay: UInt64 = 0, eventDated: Bool = false)
    case gone(process: Int, reason: UInt8, delay: UInt64 = 0)
    /// Format 2.0: process `process` was forked from `parent` at the
    /// record's time; its first snapshot is the parent's set as the records
    /// before this one left it (§3.3.1). Always dated by the fork's event.
    case fork(process: Int, parent: Int, delay: UInt64 = 0)
    /// Kernel events may be missing from `first` to `last` (inclusive, after
    /// the header's start) for every process (format 1.2, §3.7).
    case lost(first: UInt64, last: UInt64)
    /// A type this reader does not know, skipped.
    case unknown(type: UInt8, length: Int)

    /// Whether the record defines a path, build ID, file or process, or is
    /// read with them (a perf clock measurement, a stored symbol table, the
    /// recorder's report): its frame is listed in DEFINITIONS.
    var isDefinition: Bool {
        switch self {
        case .path, .buildID, .file, .process, .exec, .perfClock, .symbols, .recorderReport: return true
        default: return false
        }
    }
}

extension Record {
    /// The process an EXEC, KEYFRAME, DELTA, GONE or FORK (its child) is about (PROCESS: the one it defines).
    var process: Int? {
        switch self {
        case .process(let process): return process.number
        case .exec(let process, _, _), .keyframe(let process, _, _, _), .delta(let process, _, _, _, _), .gone(let process, _, _),
             .fork(let process, _, _):
            return process
        default: return nil
        }
    }

    /// Whether it gives its process a whole set, which the index may list
    /// as a keyframe: a KEYFRAME, or a FORK (format 2.0, §4).
    var isKeyframeLike: Bool {
        switch self {
        case .keyframe, .fork: return true
        default: return false
        }
    }
}
