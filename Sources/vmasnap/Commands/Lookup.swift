import ArgumentParser
import VMASnap
#if canImport(Glibc)
import Glibc
#endif

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

    @Argument(help: "The recording.")
    var file: String

    @Argument(help: "Addresses to resolve, in hex (with --pid and --time).")
    var addresses: [Address] = []

    @Option(name: [.short, .customLong("pid")], help: "The process ID.")
    var pid: ProcessID?

    @Option(help: "The time: seconds on the recording's clock, or +SECONDS from its start.")
    var time: LookupTime?

    @Flag(help: "Read \"PID TIME ADDRESS\" lines on standard input.")
    var stdin = false

    @Flag(help: "Read `perf script -F pid,tid,time,ip --ns` text on standard input.")
    var perfScript = false

    @Option(help: "How perf script call-chain frames hold user-space addresses: auto, absolute or relative.")
    var callchainAddresses: CallchainAddressMode = .auto

    @Flag(help: "Print one JSON object a line.")
    var json = false

    @OptionGroup var symbolOptions: SymbolOptions

    @Flag(help: "Print collapsed stacks (root first, \";\"-separated, then a count), named with symbols.")
    var folded = false

    @Option(help: "The unit of TIME in --stdin lines: s (seconds with a fraction), or integer ms, us or ns (bpftrace's nsecs).")
    var timeUnit: TimeUnit = .seconds

    func validate() throws {
        try symbolOptions.check(impliedBy: folded)
        if folded && json { throw ValidationError("--folded prints text; leave out --json") }
        if timeUnit != .seconds && !stdin { throw ValidationError("--time-unit goes with --stdin") }
        let forms = (addresses.isEmpty ? 0 : 1) + (stdin ? 1 : 0) + (perfScript ? 1 : 0)
        guard forms == 1 else {
            throw ValidationError("give exactly one of: addresses (with --pid and --time), --stdin, --perf-script")
        }
        if addresses.isEmpty {
            guard pid == nil, time == nil else { throw ValidationError("--pid and --time go with addresses, not with --stdin or --perf-script") }
        } else {
            guard pid != nil, time != nil else { throw ValidationError("addresses need --pid and --time") }
        }
    }

    func run() throws {
        try Failure.guarded {
            let recording = try OpenedRecording(path: file)
            let index = recording.loadingIndex()
            let output = StandardOutput()
            defer { output.flush() }
            let printer = LookupPrinter(index: index, json: json, output: output)
            let symbols = symbolOptions.symbols || folded ? SymbolPrinter(symbolizer: symbolOptions.makeSymbolizer(), json: json) : nil
            printer.symbols = folded ? nil : symbols
            let stacks = folded ? FoldedStacks(index: index, symbols: symbols!) : nil
            defer { stacks?.write(to: output) }
            defer {
                // A damaged part of the recording: the pids it held answered from what loaded.
                if let error = index.loadingErrors.first {
                    output.flush()
                    StandardError.line("vmasnap: warning: " + TextEscaping.escape(String(describing: error)))
                }
            }
            if perfScript {
                var lookup = PerfScriptLookup(index: index, mode: callchainAddresses)
                // A sample's frames come out together, after its line: a stack
                // starts at a sample's ip, or at the first frame a line completes.
                var line = 0
                var stackLine = -1
                let print = { (answer: PerfScriptAnswer) in
                    if let stacks {
                        if !answer.isFrame || stackLine != line { stacks.begin(pid: answer.pid, time: answer.time) }
                        stackLine = line
                        stacks.add(address: answer.address, resolution: answer.resolution)
                        return
                    }
                    printer.print(pid: answer.pid, time: answer.time, address: answer.address,
                                  resolution: answer.resolution, isFrame: answer.isFrame)
                }
                try LineReader(fd: STDIN_FILENO).forEachLine { text, _ in
                    line += 1
                    try lookup.read(line: text, answer: print)
                }
                line += 1
                try lookup.finish(answer: print)
                if lookup.foundRelativeFrames {
                    output.flush()
                    StandardError.line(
                        "vmasnap: note: the call chains hold user-space frames as offsets in their files (perf 6.1 prints "
                            + "them so); they are reported as \"relative\", not resolved; `perf script -G` gives the samples' addresses")
                }
            } else if stdin {
                var parser = AddressListParser()
                var cursor = LookupCursor(index: index)
                var stack: [UInt64] = []
                try LineReader(fd: STDIN_FILENO).forEachLine { line, _ in
                    guard let entry = try parser.parseStack(line: line, timeUnit: timeUnit, addresses: &stack) else { return }
                    let time = entry.time.nanoseconds(start: recording.start)
                    stacks?.begin(pid: entry.pid, time: time)
                    for (position, address) in stack.enumerated() {
                        let resolution = cursor.resolve(pid: entry.pid, time: time, address: address)
                        if let stacks {
                            stacks.add(address: address, resolution: resolution)
                        } else {
                            printer.print(pid: entry.pid, time: time, address: address, resolution: resolution, isFrame: position > 0)
                        }
                    }
                }
            } else if let pid, let time {
                var cursor = LookupCursor(index: index)
                let nanoseconds = time.nanoseconds(start: recording.start)
                // Folded, the addresses are one stack, leaf first.
                stacks?.begin(pid: pid.value, time: nanoseconds)
                for address in addresses {
                    let resolution = cursor.resolve(pid: pid.value, time: nanoseconds, address: address.value)
                    if let stacks {
                        stacks.add(address: address.value, resolution: resolution)
                    } else {
                        printer.print(pid: pid.value, time: nanoseconds, address: address.value, resolution: resolution)
                    }
                }
            }
        }
    }
}
