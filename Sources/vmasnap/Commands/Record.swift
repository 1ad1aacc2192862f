import ArgumentParser
import VMASnap

/// `vmasnap record`: record the executable mappings of processes over time.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the executable mappings of processes over time into a file.",
        discussion: """
            Targets, exactly one: -p PID[,PID...] (until they exit), -a (every process, found anew each \
            round), or -- COMMAND ARGS... (start it, record it and all its descendants until it exits; \
            vmasnap then exits with its status, 128+N if signal N killed it). SIGINT and SIGTERM end the \
            recording cleanly; with a command they are passed on to it. Durations take a unit: 1ms, \
            250ms, 2s, 1.5s, 1m. The file is created with mode 0600 under a temporary name in the \
            output's directory, then renamed to FILE (an existing FILE becomes FILE.old); a directory \
            that other users can write without the sticky bit is refused unless --force.
            """
    )

    @Option(name: [.short, .customLong("pid")], parsing: .singleValue,
            help: ArgumentHelp("Processes to record, comma-separated.", valueName: "pid[,pid...]"))
    var pids: [String] = []

    @Flag(name: [.short, .customLong("all")], help: "Record every process on the machine.")
    var all = false

    @Option(help: ArgumentHelp("Time between rounds (default 100ms; 1s with -a or with kernel events).", valueName: "duration"),
            transform: DurationArgument.init(parsing:))
    var interval: DurationArgument?

    @Option(help: ArgumentHelp("Stop after this long, with a last round at the end.", valueName: "duration"),
            transform: DurationArgument.init(parsing:))
    var duration: DurationArgument?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The recording.", valueName: "file"))
    var output = "vmasnap.data"

    @Flag(help: "Write even into a directory that other users can write without the sticky bit.")
    var force = false

    @OptionGroup var reading: BackendOption

    @OptionGroup var events: EventsOption

    @Option(name: .customLong("keep-symbols"),
            help: ArgumentHelp("Store the symbol table of each executable file mapped, once per build ID and compressed, so "
                + "that the recording symbolizes after the file is replaced or deleted, or on another machine; "
                + "--keep-symbols=lines adds DWARF source lines. 'info' shows what they cost.",
                valueName: "functions|lines"))
    var keepSymbols: KeptSymbols?

    /// What `--keep-symbols` stores.
    enum KeptSymbols: String, ExpressibleByArgument {
        case functions, lines
    }

    /// The arguments with a bare `--keep-symbols` (which ArgumentParser
    /// cannot take without a value) as `--keep-symbols=functions`, for the
    /// record command only and only before its `--`.
    static func normalizing(_ arguments: [String]) -> [String] {
        guard arguments.first == "record" else { return arguments }
        var normalized = arguments
        for index in normalized.indices {
            if normalized[index] == "--" { break }
            if normalized[index] == "--keep-symbols" { normalized[index] = "--keep-symbols=functions" }
        }
        return normalized
    }

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to start and record.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        let kinds = (pids.isEmpty ? 0 : 1) + (all ? 1 : 0) + (command.isEmpty ? 0 : 1)
        guard kinds == 1 else {
            throw ValidationError(kinds == 0
                ? "record what? give -p PID[,PID...], -a, or -- COMMAND [ARGS...]"
                : "give only one of -p, -a and -- COMMAND")
        }
        _ = try target()
    }

    /// The target the options name.
    func target() throws -> RecordingTarget {
        if all { return .allProcesses }
        if !command.isEmpty { return .command(command) }
        var list: [Int32] = []
        for text in pids {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let pid = ProcessID(argument: String(part)) else {
                    throw ValidationError("invalid process ID '\(TextEscaping.escape(String(part)))' in -p \(TextEscaping.escape(text))")
                }
                if !list.contains(pid.value) { list.append(pid.value) }
            }
        }
        return .processes(list)
    }

    /// The command line as a shell would take it back: arguments with
    /// anything but letters, digits and -_./=:,+@% in single quotes.
    static func commandLine(_ arguments: [String]) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%".utf8)
        return arguments.map { argument in
            if !argument.isEmpty && argument.utf8.allSatisfy(plain.contains) { return argument }
            var quoted = "'"
            for character in argument { quoted += character == "'" ? "'\\''" : String(character) }
            return quoted + "'"
        }.joined(separator: " ")
    }

    func run() throws {
        // A file size limit (RLIMIT_FSIZE) fails a write with EFBIG, which the
        // recorder reports: SIGXFSZ is ignored (StandardStreams.prepare).
        let status: Int32 = try Failure.guarded {
            let resolved = try MappingCaptures.resolve(reading.backend)
            var configuration = RecorderConfiguration(
                target: try target(), interval: interval?.nanoseconds, duration: duration?.nanoseconds, backend: resolved)
            configuration.adoptsOrphans = true
            try configuration.validate()
            let (tracking, eventsUse, eventsNote) = try events.resolve(for: configuration.target)
            configuration.tracking = tracking

            var header = RecordingHeader.current(options: Record.commandLine(CommandLine.arguments), backend: resolved)
            header.kernelEvents = eventsUse
            // perf's default clock against the recording's, at the start and
            // the finish, so that perf.data recorded without -k CLOCK_MONOTONIC matches.
            do {
                header.perfClock = try PerfClock.measure()
                if let eventsNote { StandardError.line(eventsNote) }
            } catch {
                let clockNote = "perf.data must then be recorded with -k CLOCK_MONOTONIC to match exactly"
                if let eventsNote, case .refused = eventsUse {
                    // One refusal (perf_event_paranoid, no CAP_PERFMON) stops both: one line says it.
                    StandardError.line(eventsNote + "; perf's clock cannot be measured either: " + clockNote)
                } else {
                    if let eventsNote { StandardError.line(eventsNote) }
                    StandardError.line("vmasnap: note: cannot measure perf's clock (\(TextEscaping.escape(String(describing: error)))): "
                        + clockNote)
                }
            }
            let writer = try RecordingWriter(path: output, header: header, force: force)
            if header.perfClock != nil { writer.perfClockAtFinish = { try? PerfClock.measure() } }

            let recorder = try Recorder(configuration: configuration, writer: writer)
            if let keepSymbols { recorder.symbolTableMaker = SymbolKeeper(lines: keepSymbols == .lines, search: .standard()) }
            let statusLine = StatusLine.onTerminal()
            let outcome = try recorder.run(
                progress: statusLine.map { line in { line.show($0) } },
                stopped: { error in
                    statusLine?.clear()
                    StandardError.line("vmasnap: " + TextEscaping.singleLine(String(describing: error))
                        + "; recording stopped, \(TextEscaping.escape(output)) holds what was written before")
                })
            statusLine?.clear()

            if outcome.status.unreadableProcesses > 0 {
                let count = outcome.status.unreadableProcesses
                StandardError.line("vmasnap: \(count) process\(count == 1 ? "" : "es") could not be read "
                    + "(permission denied: this needs ptrace read access) and \(count == 1 ? "is" : "are") not in the recording")
            }
            if outcome.status.symbolTablesTooLarge > 0 {
                StandardError.line("vmasnap: note: \(outcome.status.symbolTablesTooLarge) symbol table(s) exceed a frame (64 MiB) "
                    + "and are not stored")
            }
            if outcome.status.failedProcesses > 0, let first = outcome.status.firstFailure {
                let count = outcome.status.failedProcesses
                StandardError.line("vmasnap: \(count) process\(count == 1 ? "" : "es") could not be recorded and "
                    + "\(count == 1 ? "is" : "are") left out from then on (the first: \(TextEscaping.singleLine(first.description)))")
            }
            StandardError.line(StatusLine.summary(outcome.status, path: output))
            if let failure = outcome.failure { return ExitStatus.of(failure).rawValue }
            return outcome.commandExit?.shellStatus ?? 0
        }
        if status != 0 { throw ExitCode(status) }
    }
}
