#if canImport(Glibc)
import Glibc
#endif

/// A command that a recording starts and follows with its descendants.
///
/// It starts as a shell would start it: found on PATH, with the environment,
/// stdin, stdout and stderr of the recorder, every signal at its default
/// disposition and none blocked (the recorder blocks SIGINT, SIGTERM and
/// SIGCHLD and ignores SIGXFSZ, none of which the command must inherit).
final class ChildCommand {
    /// The command and its arguments, as given.
    let arguments: [String]
    /// Its pid.
    let pid: Int32
    /// How it ended, once reaped.
    private(set) var exit: CommandExit?

    private let system: SystemCalls

    /// Starts `arguments[0]` with `arguments`.
    init(_ arguments: [String], system: SystemCalls = .live) throws {
        precondition(!arguments.isEmpty, "a command needs a name")
        self.arguments = arguments
        self.system = system
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Every signal back to SIG_DFL. sigfillset leaves out glibc's internal
        // signals (32 and 33), which posix_spawn then sets to SIG_IGN in the
        // child, and SIG_IGN survives exec(): set every bit directly instead.
        var all = sigset_t()
        withUnsafeMutableBytes(of: &all) { raw in
            for index in raw.indices { raw[index] = 0xFF }
        }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for argument in argv { free(argument) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, argv[0]!, nil, &attributes, argv, environ)
        guard result == 0 else {
            throw RecorderError.cannotStart(command: arguments[0], errno: Errno(rawValue: result))
        }
        pid = child
    }

    /// Reaps, without waiting, the command if it has ended and, with
    /// `everyChild`, every other ended child of this process too (the orphans
    /// a subreaper inherits). Returns whether the command has been reaped, now
    /// or before.
    @discardableResult
    func reap(everyChild: Bool) -> Bool {
        while exit == nil || everyChild {
            var status: Int32 = 0
            let target: pid_t = everyChild ? -1 : pid
            guard case .success(let reaped) = valueOrErrno({ system.waitpid(target, &status, WNOHANG) }), reaped > 0
            else { break }
            if reaped == pid { exit = CommandExit(waitStatus: status) }
        }
        return exit != nil
    }

    /// Sends `signal` to the command if it has not been reaped yet (its pid
    /// cannot have been reused before that).
    func forward(_ signal: Int32) {
        guard exit == nil else { return }
        _ = system.kill(pid, signal)
    }
}
