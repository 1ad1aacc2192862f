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
