/// What a recording says about a process when it first sees it.
public struct RecordedProcess: Hashable, Sendable {
    /// pid and start time.
    public var identity: ProcessIdentity
    /// The parent's pid when first seen (0 if unknown).
    public var parentPID: Int32
    /// The command name (/proc/PID/comm, at most 15 bytes), raw bytes.
    public var command: [UInt8]
    /// The executable (/proc/PID/exe), or nil if it could not be read.
    public var executable: MappedPath?

    /// Creates a process description.
    public init(identity: ProcessIdentity, parentPID: Int32, command: [UInt8], executable: MappedPath?) {
        self.identity = identity
        self.parentPID = parentPID
        self.command = command
        self.executable = executable
    }
}
