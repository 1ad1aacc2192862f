import ArgumentParser
import VMASnap

/// `vmasnap lookup`: resolve addresses against a recording, after the fact.
struct Lookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve addresses of recorded processes to file, file offset and build ID.",
        discussion: """
            Three forms: --pid PID --time TIME ADDRESS...; --stdin, reading "PID TIME ADDRESS" lines; \
            --perf-script, reading the text of `perf script -F pid,tid,time,ip --ns` (record with \
            `perf record -k CLOCK_MONOTONIC`). TIME is seconds on the recording's clock or +SECONDS \
            from its start. One line per address: PID TIME ADDRESS STATUS [FILE-OFFSET BUILD-ID PATH]; \
            call-chain frames are indented with a tab. STATUS is exact, loaded-between, \
            unloaded-between, unmapped, unknown-pid, before-first-snapshot, after-exit, kernel or \
            relative (a call-chain frame perf printed as an offset in its file, not resolved).
            """
    )

    /// Where the addresses come from, besides the command line.
    enum Input: EnumerableFlag {
        /// "PID TIME ADDRESS" lines on standard input.
        case stdin
        /// `perf script` text on standard input.
        case perfScript

        static func help(for value: Input) -> ArgumentHelp? {
            switch value {
            case .stdin: return "Read \"PID TIME ADDRESS\" lines on standard input."
            case .perfScript: return "Read `perf script -F pid,tid,time,ip --ns` text on standard input."
            }
        }
    }

    @OptionGroup var recording: RecordingFileArgument

    @Argument(help: "Addresses to resolve, in hex (with --pid and --time).")
    var addresses: [Address] = []

    @OptionGroup var process: ProcessOption

    @Option(help: "The time: seconds on the recording's clock, or +SECONDS from its start.")
    var time: LookupTime?

    @Flag(exclusivity: .exclusive)
    var input: Input?

    @Option(help: "How perf script call-chain frames hold user-space addresses: auto, absolute or relative.")
    var callchainAddresses: CallchainAddressMode = .auto

    @OptionGroup var format: JSONOption

    func validate() throws {
        switch (input, addresses.isEmpty) {
        case (nil, true), (.some, false):
            throw ValidationError("give exactly one of: addresses (with --pid and --time), --stdin, --perf-script")
        case (.some, true):
            guard process.pid == nil, time == nil else {
                throw ValidationError("--pid and --time go with addresses, not with --stdin or --perf-script")
            }
        case (nil, false):
            guard process.pid != nil, time != nil else { throw ValidationError("addresses need --pid and --time") }
        }
    }

    func run() throws {
        try Failure.guarded {
            let opened = try OpenedRecording(path: recording.file)
            let index = opened.loadingIndex()
            let output = StandardOutput()
            // Answers printed before an error stand: out before its message.
            defer { try? output.flush() }
            let printer = LookupPrinter(index: index, json: format.json, output: output)
            defer {
                // A damaged part of the recording: the pids it held answered from what loaded.
                if let error = index.loadingErrors.first {
                    try? output.flush()
                    StandardError.line("vmasnap: warning: " + TextEscaping.escape(String(describing: error)))
                }
            }
            switch input {
            case .perfScript?:
                var lookup = PerfScriptLookup(index: index, mode: callchainAddresses)
                let print = { (answer: PerfScriptAnswer) throws in
                    try printer.print(pid: answer.pid, time: answer.time, address: answer.address,
                                      resolution: answer.resolution, isFrame: answer.isFrame)
                }
                try LineReader().forEachLine { line, _ in try lookup.read(line: line, answer: print) }
                try lookup.finish(answer: print)
                try output.flush()
                if lookup.foundRelativeFrames {
                    StandardError.line(
                        "vmasnap: note: the call chains hold user-space frames as offsets in their files (perf 6.1 prints "
                            + "them so); they are reported as \"relative\", not resolved; `perf script -G` gives the samples' addresses")
                }
            case .stdin?:
                var parser = AddressListParser()
                var cursor = LookupCursor(index: index)
                try LineReader().forEachLine { line, _ in
                    guard let entry = try parser.parse(line: line) else { return }
                    let time = entry.time.nanoseconds(start: opened.start)
                    try printer.print(pid: entry.pid, time: time, address: entry.address,
                                      resolution: cursor.resolve(pid: entry.pid, time: time, address: entry.address))
                }
            case nil:
                guard let pid = process.pid?.value, let time else { return }
                var cursor = LookupCursor(index: index)
                let nanoseconds = time.nanoseconds(start: opened.start)
                for address in addresses {
                    try printer.print(pid: pid, time: nanoseconds, address: address.value,
                                      resolution: cursor.resolve(pid: pid, time: nanoseconds, address: address.value))
                }
            }
            try output.flush()
        }
    }
}
