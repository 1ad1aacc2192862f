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
    case round(time: UInt64)
    case quiet(count: UInt64, first: UInt64, last: UInt64)
    case keyframe(process: Int, mappings: [StoredMapping], delay: UInt64 = 0)
    /// Removed mappings by start address, ascending.
    case delta(process: Int, removed: [UInt64], added: [StoredMapping], delay: UInt64 = 0)
    case gone(process: Int, reason: UInt8, delay: UInt64 = 0)
    /// A type this reader does not know, skipped.
    case unknown(type: UInt8, length: Int)

    /// Whether the record defines a path, build ID, file or process.
    var isDefinition: Bool {
        switch self {
        case .path, .buildID, .file, .process, .exec: return true
        default: return false
        }
    }
}

extension Record {
    /// The process an EXEC, KEYFRAME, DELTA or GONE is about (PROCESS: the one it defines).
    var process: Int? {
        switch self {
        case .process(let process): return process.number
        case .exec(let process, _, _), .keyframe(let process, _, _), .delta(let process, _, _, _), .gone(let process, _, _):
            return process
        default: return nil
        }
    }
}
