import ArgumentParser
import VMASnap

/// Turns an error into one line on stderr and the matching exit status:
/// never a Swift backtrace, never several lines.
enum Failure {
    /// Runs `body`; on error prints "vmasnap: MESSAGE" and exits with the
    /// status. A closed standard output ends quietly with status 141.
    static func guarded<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch is BrokenPipe {
            throw ExitCode(ExitStatus.brokenPipe.rawValue)
        } catch {
            report(error)
            throw ExitCode(ExitStatus.of(error).rawValue)
        }
    }

    /// Prints one line for `error` on stderr.
    static func report(_ error: Error) {
        StandardError.line("vmasnap: " + TextEscaping.singleLine(String(describing: error)))
    }
}
