#if canImport(Glibc)
import Glibc
#endif

/// A command started so that its tracking events can be opened before it
/// runs: the child waits on a pipe, and execs only when released, so the
/// events see its exec and everything after it.
///
///     let command = try GatedCommand(["make", "-j2"])
///     let session = try TrackingSession(target: .command(pid: command.pid))
///     try command.release()
///
/// The child starts as a shell would start it: found on PATH, with this
/// process's environment and standard streams (unless redirected), every
/// signal at its default disposition and none blocked. If this object goes
/// away unreleased, the child exits with status 127 without exec'ing; the
/// caller reaps it either way.
public final class GatedCommand {
    /// The command and its arguments.
    public let arguments: [String]
    /// The child's pid.
    public let pid: Int32
    private var gate: Int32
    private var status: Int32
    private let system: SystemCalls

    /// Starts `arguments[0]` held at its gate.
    ///
    /// - Parameters:
    ///   - arguments: the command and its arguments (not empty).
    ///   - standardInput, standardOutput, standardError: descriptors the
    ///     child gets as 0, 1 and 2 instead of this process's.
    /// - Throws: `TrackingError.system` when no child could be made.
    public convenience init(_ arguments: [String], standardInput: Int32? = nil, standardOutput: Int32? = nil,
                            standardError: Int32? = nil) throws(TrackingError) {
        try self.init(arguments, redirect: [standardInput ?? -1, standardOutput ?? -1, standardError ?? -1], system: .live)
    }

    init(_ arguments: [String], redirect: [Int32], system: SystemCalls) throws(TrackingError) {
        precondition(!arguments.isEmpty, "a command needs a name")
        self.arguments = arguments
        self.system = system
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var gate: Int32 = -1
        var status: Int32 = -1
        let child = redirect.withUnsafeBufferPointer { streams in
            system.spawnGated(argv[0]!, &argv, environ, streams.baseAddress!, &gate, &status)
        }
        guard child > 0 else {
            throw TrackingError.system(SystemError(.spawn, arguments[0], Errno.current))
        }
        pid = child
        self.gate = gate
        self.status = status
    }

    deinit {
        if gate >= 0 { _ = system.close(gate) }
        if status >= 0 { _ = system.close(status) }
    }

    /// Lets the child exec, and waits until it has (or failed to).
    ///
    /// - Throws: `TrackingError.cannotExecute` with exec's errno (ENOENT for
    ///   a command not found, EACCES, …); the child then exits with 127.
    public func release() throws(TrackingError) {
        guard gate >= 0 else { return }
        var byte: UInt8 = 1
        let written = valueOrErrno { system.write(gate, &byte, 1) }
        _ = system.close(gate)
        gate = -1
        if case .failure(let errno) = written {
            throw TrackingError.system(SystemError(.spawn, arguments[0], errno))
        }
        var error: Int32 = 0
        let count = valueOrErrno { system.read(status, &error, MemoryLayout<Int32>.size) }
        _ = system.close(status)
        status = -1
        if case .success(let bytes) = count, bytes == MemoryLayout<Int32>.size {
            throw TrackingError.cannotExecute(command: arguments[0], errno: Errno(rawValue: error))
        }
    }

    /// Waits for the child to end (blocking).
    ///
    /// - Returns: its wait status.
    /// - Throws: `TrackingError.system` when waitpid fails (it was reaped elsewhere).
    public func waitForExit() throws(TrackingError) -> Int32 {
        var waitStatus: Int32 = 0
        if case .failure(let errno) = valueOrErrno({ system.waitpid(pid, &waitStatus, 0) }) {
            throw TrackingError.system(SystemError(.wait, arguments[0], errno))
        }
        return waitStatus
    }
}
