/// A mapping as a record stores it: the file by number.
struct StoredMapping: Hashable, Sendable {
    var start: UInt64
    var end: UInt64
    var offset: UInt64
    /// MappingPermissions raw value (bits 0-3).
    var permissions: UInt8
    /// The FILE number.
    var file: Int
    var pageSize: UInt64
}

/// A FILE record's fields.
struct StoredFile: Hashable, Sendable {
    /// major << 20 | minor.
    var device: UInt64
    var inode: UInt64
    /// The PATH number.
    var path: Int
    /// The BUILD_ID number, nil when unknown.
    var buildID: Int?
}

/// A PROCESS record's fields.
struct StoredProcess: Hashable, Sendable {
    var number: Int
    var pid: UInt64
    var startTime: UInt64
    var parentPID: UInt64
    /// The PATH number of the executable, nil when unknown.
    var executable: Int?
    var command: [UInt8]
}

/// One record of a records frame, numbers unresolved, times relative to the
/// header's start.
enum Record: Hashable, Sendable {
    case path([UInt8])
    case buildID([UInt8])
    case file(StoredFile)
    case process(StoredProcess)
    case round(time: UInt64)
    case quiet(count: UInt64, first: UInt64, last: UInt64)
    case keyframe(process: Int, mappings: [StoredMapping])
    /// Removed mappings by start address, ascending.
    case delta(process: Int, removed: [UInt64], added: [StoredMapping])
    case gone(process: Int, reason: UInt8)
    /// A type this reader does not know, skipped.
    case unknown(type: UInt8, length: Int)

    /// Whether the record defines a path, build ID, file or process.
    var isDefinition: Bool {
        switch self {
        case .path, .buildID, .file, .process: return true
        default: return false
        }
    }
}
