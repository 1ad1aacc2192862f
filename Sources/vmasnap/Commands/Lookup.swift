import ArgumentParser
import VMASnap

/// `vmasnap lookup`: resolve addresses against a recording, after the fact.
struct Lookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve addresses of recorded processes to file, file offset and build ID.",
        discussion: """
            Three forms: --pid PID --time TIME ADDRESS...; --stdin, reading "PID TIME ADDRESS [ADDRESS...]" lines \
            (a stack, leaf first, resolved frame by frame; TIME in --time-unit); \
            --perf-script, reading the text of `perf script -F pid,tid,time,ip --ns` (record with \
            `perf record -k CLOCK_MONOTONIC`). TIME is seconds on the recording's clock or +SECONDS \
            from its start. One line per address: PID TIME ADDRESS STATUS [FILE-OFFSET BUILD-ID PATH]; \
            call-chain frames are indented with a tab. STATUS is exact, loaded-between, \
            unloaded-between, unmapped, unknown-pid, before-first-snapshot, after-exit, kernel or \
            relative (a call-chain frame perf printed as an offset in its file, not resolved). \
            With --symbols, each answer with a mapping adds a tab and its function, offset, source line and \
            inlined functions, found in the file with the recorded build ID (or "no-symbols REASON"); \
            --folded prints collapsed stacks instead, for flamegraph.pl, inferno and speedscope.
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
            case .stdin: return "Read \"PID TIME ADDRESS [ADDRESS...]\" lines on standard input."
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

    @OptionGroup var symbolOptions: SymbolOptions

    @Flag(help: "Print collapsed stacks (root first, \";\"-separated, then a count), named with symbols.")
    var folded = false

    @Option(help: "The unit of TIME in --stdin lines: s (seconds with a fraction), or integer ms, us or ns (bpftrace's nsecs).")
    var timeUnit: TimeUnit = .seconds

    func validate() throws {
        try symbolOptions.check(impliedBy: folded)
        if folded && format.json { throw ValidationError("--folded prints text; leave out --json") }
        if timeUnit != .seconds && input != .stdin { throw ValidationError("--time-unit goes with --stdin") }
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
            // Lookups read only the frames of the pids asked about: the file is
            // checked as opening checks it (§6), not read whole.
            let opened = try OpenedRecording(path: recording.file, verifying: false)
            let index = opened.loadingIndex()
            let output = StandardOutput()
            // Answers printed before an error stand: out before its message.
            defer { try? output.flush() }
            let printer = LookupPrinter(index: index, json: format.json, output: output)
            let symbols = symbolOptions.symbols || folded ? SymbolPrinter(symbolizer: symbolOptions.makeSymbolizer(stored: opened.storedSymbolTables), json: format.json) : nil
            printer.symbols = folded ? nil : symbols
            let stacks = folded ? FoldedStacks(index: index, symbols: symbols!) : nil
            defer {
                try? output.flush()
                // Damage found while loading a pid: answered from what comes before it.
                opened.warn()
                if let error = index.loadingErrors.first {
                    StandardError.line("vmasnap: warning: " + TextEscaping.singleLine(String(describing: error)))
                }
            }
            switch input {
            case .perfScript?:
                var lookup = PerfScriptLookup(index: index, mode: callchainAddresses)
                // A sample's frames come out together, after its line: a stack
                // starts at a sample's ip, or at the first frame a line completes.
                var line = 0
                var stackLine = -1
                let print = { (answer: PerfScriptAnswer) throws in
                    if let stacks {
                        if !answer.isFrame || stackLine != line { stacks.begin(pid: answer.pid, time: answer.time) }
                        stackLine = line
                        stacks.add(address: answer.address, resolution: answer.resolution)
                        return
                    }
                    try printer.print(pid: answer.pid, time: answer.time, address: answer.address,
                                      resolution: answer.resolution, isFrame: answer.isFrame)
                }
                try LineReader().forEachLine { text, _ in
                    line += 1
                    try lookup.read(line: text, answer: print)
                }
                line += 1
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
                var stack: [UInt64] = []
                try LineReader().forEachLine { line, _ in
                    guard let entry = try parser.parseStack(line: line, timeUnit: timeUnit, addresses: &stack) else { return }
                    let time = entry.time.nanoseconds(start: opened.start)
                    stacks?.begin(pid: entry.pid, time: time)
                    for (position, address) in stack.enumerated() {
                        let resolution = cursor.resolve(pid: entry.pid, time: time, address: address)
                        if let stacks {
                            stacks.add(address: address, resolution: resolution)
                        } else {
                            try printer.print(pid: entry.pid, time: time, address: address, resolution: resolution, isFrame: position > 0)
                        }
                    }
                }
            case nil:
                guard let pid = process.pid?.value, let time else { return }
                var cursor = LookupCursor(index: index)
                let nanoseconds = try opened.nanoseconds(of: time, option: "--time")
                // Folded, the addresses are one stack, leaf first.
                stacks?.begin(pid: pid, time: nanoseconds)
                for address in addresses {
                    let resolution = cursor.resolve(pid: pid, time: nanoseconds, address: address.value)
                    if let stacks {
                        stacks.add(address: address.value, resolution: resolution)
                    } else {
                        try printer.print(pid: pid, time: nanoseconds, address: address.value, resolution: resolution)
                    }
                }
            }
            try stacks?.write(to: output)
            try output.flush()
        }
    }
}
