import ArgumentParser
import VMASnap

/// The `vmasnap` command line: capture, record and resolve executable mappings.
@main
struct VMASnapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmasnap",
        abstract: "Snapshots of executable mappings for profilers, through PROCMAP_QUERY.",
        discussion: """
            Exit status: 0 success; 1 an operation failed; 2 no such process, or it exited; \
            3 permission denied; 4 not a readable recording (wrong magic, newer version, corrupt); \
            5 the kernel lacks what was asked for; 64 bad arguments. `record -- COMMAND` exits with \
            the command's status (128+N if signal N killed it; 127 if it was not found, 126 if it \
            could not be run).
            """,
        version: "0.1.0",
        subcommands: [Maps.self, Query.self, Record.self, Lookup.self, PerfResolve.self, Timeline.self, Diff.self, Info.self, Dump.self]
    )

    /// Parses and runs a subcommand. Unlike ArgumentParser's default, a bad
    /// argument is one line on stderr (exit status 64), not a usage dump;
    /// --help and --version print as usual.
    static func main() {
        // Before anything is opened: 0-2 valid, write errors reported.
        do {
            try StandardStreams.prepare()
        } catch {
            StandardError.line("vmasnap: \(error)")
            exit(withError: ExitCode(ExitStatus.failure.rawValue))
        }
        // ArgumentParser takes "-1" after -p for an option, and says the
        // value is missing: say what is wrong with it instead.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let value = negativeProcessID(in: arguments) {
            StandardError.line("vmasnap: invalid process ID '\(TextEscaping.escape(value))': "
                + "a process ID is a positive decimal number (see 'vmasnap help')")
            exit(withError: ExitCode(ExitStatus.usage.rawValue))
        }
        do {
            let (parsed, addresses) = AddressArguments.split(Record.normalizing(arguments))
            var command = try AddressArguments.adding(addresses, to: try parseAsRoot(parsed))
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode || error is CleanExit {
                exit(withError: error)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            StandardError.line("vmasnap: \(TextEscaping.singleLine(message)) (see 'vmasnap help')")
            exit(withError: ExitCode(ExitStatus.usage.rawValue))
        }
    }

    /// The value after a -p or --pid that looks like a negative number
    /// ("-1", "-5,7"), which ArgumentParser would take for an option; nil
    /// when there is none (arguments after "--" belong to a command).
    static func negativeProcessID(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return nil }
            guard argument == "-p" || argument == "--pid", index + 1 < arguments.count else { continue }
            let value = arguments[index + 1]
            let body = value.utf8.dropFirst()
            if value.hasPrefix("-"), body.first.map({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) == true,
                body.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "-") })
            {
                return value
            }
        }
        return nil
    }
}
