import SystemPackage

/// A system call that failed: which operation, on what, and the errno.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What vmasnap was doing when the call failed.
    public enum Operation: String, Hashable, Sendable {
        case open = "open"
        case close = "close"
        case read = "read"
        case write = "write"
        case rename = "rename"
        case stat = "stat"
        case sync = "fsync"
        case truncate = "truncate"
        case listDirectory = "list"
        case spawn = "start"
        case wait = "wait for"
        case signal = "set up signals for"
        case timer = "set a timer for"
        case query = "query"
    }

    /// The operation that failed.
    public var operation: Operation
    /// The file, directory or command it was done on.
    public var subject: String
    /// The error the kernel reported.
    public var errno: Errno

    /// Describes a failed operation on `subject`.
    ///
    /// - Parameters:
    ///   - operation: what was being done.
    ///   - subject: the file, directory or command.
    ///   - errno: the kernel's answer.
    public init(_ operation: Operation, _ subject: String, _ errno: Errno) {
        self.operation = operation
        self.subject = subject
        self.errno = errno
    }

    /// One line: "cannot open /x: No such file or directory (ENOENT)", the
    /// subject escaped (see `TextEscaping`).
    public var description: String {
        let symbol = errno.symbol.map { " (\($0))" } ?? ""
        return "cannot \(operation.rawValue) \(TextEscaping.escape(subject)): \(errno)\(symbol)"
    }
}
