import SystemPackage

/// A command that a recording starts and follows with its descendants.
///
/// It starts as a shell would start it: found on PATH, with the environment,
/// stdin, stdout and stderr of the recorder, every signal at its default
/// disposition and none blocked (the recorder blocks SIGINT, SIGTERM and
/// SIGCHLD and ignores SIGPIPE and SIGXFSZ, none of which the command must
/// inherit).
final class ChildCommand {
    /// The command and its arguments, as given.
    let arguments: [String]
    /// Its pid.
    let pid: Int32
    /// How it ended, once reaped.
    private(set) var exit: CommandExit?

    private let system: SystemCalls

    /// Starts `arguments[0]` with `arguments`.
    ///
    /// - Throws: `RecorderError.cannotStart` when it cannot be started.
    init(_ arguments: [String], system: SystemCalls) throws {
        self.arguments = arguments
        self.system = system
        do throws(Errno) {
            pid = try system.spawn(arguments)
        } catch {
            throw RecorderError.cannotStart(command: arguments.first ?? "", errno: error)
        }
    }

    /// Reaps, without waiting, the command if it has ended and, with
    /// `everyChild`, every other ended child of this process too (the orphans
    /// a subreaper inherits). Returns whether the command has been reaped, now
    /// or before.
    @discardableResult
    func reap(everyChild: Bool) -> Bool {
        while exit == nil || everyChild {
            guard let (reaped, status) = (try? system.reapChild(everyChild ? -1 : pid)) ?? nil else { break }
            if reaped == pid { exit = CommandExit(waitStatus: status) }
        }
        return exit != nil
    }

    /// Sends `signal` to the command if it has not been reaped yet (its pid
    /// cannot have been reused before that).
    func forward(_ signal: Signal) {
        guard exit == nil else { return }
        try? system.kill(pid, signal)
    }
}
