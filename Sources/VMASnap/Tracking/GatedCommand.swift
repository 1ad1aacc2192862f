import SystemPackage

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
    private var gate: OwnedDescriptor?
    private var status: OwnedDescriptor?
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
        try self.init(arguments, redirect: [standardInput, standardOutput, standardError].map { $0.map(FileDescriptor.init(rawValue:)) },
                      system: .live)
    }

    init(_ arguments: [String], redirect: [FileDescriptor?], system: SystemCalls) throws(TrackingError) {
        precondition(!arguments.isEmpty, "a command needs a name")
        self.arguments = arguments
        self.system = system
        do throws(Errno) {
            let child = try system.spawnGated(arguments, redirect)
            pid = child.pid
            gate = OwnedDescriptor(child.gate, system: system)
            status = OwnedDescriptor(child.status, system: system)
        } catch {
            throw TrackingError.system(SystemError(.spawn, arguments[0], error))
        }
    }

    /// Lets the child exec, and waits until it has (or failed to).
    ///
    /// - Throws: `TrackingError.cannotExecute` with exec's errno (ENOENT for
    ///   a command not found, EACCES, …); the child then exits with 127.
    public func release() throws(TrackingError) {
        guard let gate, let status else { return }
        self.gate = nil
        self.status = nil
        let byte: [UInt8] = [1]
        do throws(Errno) {
            try byte.withUnsafeBytesTyped { (raw) throws(Errno) in try gate.writeAll(raw) }
            try? gate.close()
        } catch {
            throw TrackingError.system(SystemError(.spawn, arguments[0], error))
        }
        var error = [UInt8](repeating: 0, count: 4)
        let count = try? error.withUnsafeMutableBytesTyped { (raw) throws(Errno) in try status.read(into: raw) }
        if count == 4 {
            let number = error.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            throw TrackingError.cannotExecute(command: arguments[0], errno: Errno(rawValue: number))
        }
    }

    /// Lets the child go without exec'ing: it exits with status 127. The
    /// caller reaps it (`waitForExit`), which before this would wait forever
    /// on a child that waits for its gate.
    public func abandon() {
        gate = nil
        status = nil
    }

    /// Waits for the child to end (blocking).
    ///
    /// - Returns: its wait status.
    /// - Throws: `TrackingError.system` when waitpid fails (it was reaped elsewhere).
    public func waitForExit() throws(TrackingError) -> Int32 {
        do throws(Errno) {
            return try system.waitForChild(pid)
        } catch {
            throw TrackingError.system(SystemError(.wait, arguments[0], error))
        }
    }
}
