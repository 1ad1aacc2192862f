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
            Three forms: --pid PID --time TIME ADDRESS...; --stdin, reading "PID TIME ADDRESS" lines; \
            --perf-script, reading the text of `perf script -F pid,tid,time,ip --ns` (record with \
            `perf record -k CLOCK_MONOTONIC`). TIME is seconds on the recording's clock or +SECONDS \
            from its start. One line per address: PID TIME ADDRESS STATUS [FILE-OFFSET BUILD-ID PATH]; \
            call-chain frames are indented with a tab. STATUS is exact, loaded-between, \
            unloaded-between, unmapped, unknown-pid, before-first-snapshot, after-exit, kernel or \
            relative (a call-chain frame perf printed as an offset in its file, not resolved).
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

    func validate() throws {
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
            // Lookups read only the frames of the pids asked about: the file is
            // checked as opening checks it (§6), not read whole.
            let recording = try OpenedRecording(path: file, verifying: false)
            let index = recording.loadingIndex()
            let output = StandardOutput()
            let printer = LookupPrinter(index: index, json: json, output: output)
            defer {
                output.flush()
                // Damage found while loading a pid: answered from what comes before it.
                recording.warn()
                if let error = index.loadingErrors.first {
                    StandardError.line("vmasnap: warning: " + TextEscaping.escape(String(describing: error)))
                }
            }
            if perfScript {
                var lookup = PerfScriptLookup(index: index, mode: callchainAddresses)
                let print = { (answer: PerfScriptAnswer) in
                    printer.print(pid: answer.pid, time: answer.time, address: answer.address,
                                  resolution: answer.resolution, isFrame: answer.isFrame)
                }
                try LineReader(fd: STDIN_FILENO).forEachLine { line, _ in try lookup.read(line: line, answer: print) }
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
                try LineReader(fd: STDIN_FILENO).forEachLine { line, _ in
                    guard let entry = try parser.parse(line: line) else { return }
                    let time = entry.time.nanoseconds(start: recording.start)
                    printer.print(pid: entry.pid, time: time, address: entry.address,
                                  resolution: cursor.resolve(pid: entry.pid, time: time, address: entry.address))
                }
            } else if let pid, let time {
                var cursor = LookupCursor(index: index)
                let nanoseconds = time.nanoseconds(start: recording.start)
                for address in addresses {
                    printer.print(pid: pid.value, time: nanoseconds, address: address.value,
                                  resolution: cursor.resolve(pid: pid.value, time: nanoseconds, address: address.value))
                }
            }
        }
    }
}
