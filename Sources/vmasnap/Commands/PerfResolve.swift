import ArgumentParser
import SystemPackage
import VMASnap

/// `vmasnap perf-resolve PERF_DATA RECORDING`: every sample of a perf.data
/// file, every frame of it, resolved against a recording.
struct PerfResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf-resolve",
        abstract: "Resolve every frame of every sample of a perf.data file against a recording.",
        discussion: """
            Reads perf.data itself (file or pipe format, -z compressed, any number of events; PERF_DATA - \
            reads perf's pipe format on standard input) and resolves each sample's ip and every call-chain \
            frame, in perf's time order, with lookup's statuses. Text: a line "PID/TID TIME COMM" a sample \
            (TIME as perf prints it), then one line a frame, indented, as lookup prints it (its time on the \
            recording's clock). --json: one object a sample, {"pid", "tid", "time", "comm", "frames": [...]}, \
            each frame with lookup --json's members, leaf first. Frames perf marks as kernel, hypervisor or \
            guest are "kernel". perf's default clock is converted with the recording's measurements of it \
            (vmasnap record takes them); recordings without them get an estimate from the data, or \
            --clock-offset. --compare also answers each frame from perf's own MMAP/MMAP2 records and reports \
            where the two disagree, and why. --symbols names each frame's function (and with DWARF its \
            source line and inlined functions) from the file with its build ID, or from the symbols the \
            recording stores, as lookup --symbols does; --folded prints collapsed stacks instead (the \
            input of flamegraph.pl, inferno and speedscope). A summary goes to stderr.
            """
    )

    @Argument(help: "The perf.data file (- for perf's pipe format on standard input).")
    var perfData: String

    @Argument(help: "The recording.")
    var recording: String

    @Flag(help: "Print one JSON object a sample (with --compare, one object for the report).")
    var json = false

    @Flag(help: "Also resolve every frame from perf's own mapping records and report the differences.")
    var compare = false

    @Option(help: ArgumentHelp("Only these processes.", valueName: "pid[,pid...]"))
    var pid: [String] = []

    @Option(help: ArgumentHelp("Only these threads.", valueName: "tid[,tid...]"))
    var tid: [String] = []

    @Option(help: ArgumentHelp("Only threads with these command names.", valueName: "comm[,comm...]"))
    var comm: [String] = []

    @Option(help: ArgumentHelp("Only samples in this range of perf's times, in seconds as perf script prints them.",
                               valueName: "start,end"))
    var time: String?

    @Option(help: ArgumentHelp("Add this to perf's clock to get the recording's (seconds; overrides the measurements).",
                               valueName: "seconds"))
    var clockOffset: String?

    @OptionGroup var symbolOptions: SymbolOptions

    @Flag(help: "Print collapsed stacks (root first, \";\"-separated, then a count), named with symbols, as lookup --folded does.")
    var folded = false

    func validate() throws {
        _ = try filter()
        try symbolOptions.check(impliedBy: folded)
        if compare && (symbolOptions.symbols || folded) { throw ValidationError("--symbols and --folded do not go with --compare") }
        if folded && json { throw ValidationError("--folded prints text; leave out --json") }
        if let clockOffset, PerfResolve.signedNanoseconds(clockOffset) == nil {
            throw ValidationError("--clock-offset takes seconds, such as 12.5 or -0.003")
        }
    }

    /// The filter the options name.
    func filter() throws -> PerfSampleFilter {
        var filter = PerfSampleFilter()
        func numbers(_ values: [String], _ option: String) throws -> Set<Int32>? {
            guard !values.isEmpty else { return nil }
            var set = Set<Int32>()
            for part in values.flatMap({ $0.split(separator: ",") }) {
                guard let value = Int32(part), value >= 0 else {
                    throw ValidationError("invalid number '\(TextEscaping.escape(String(part)))' in \(option)")
                }
                set.insert(value)
            }
            return set
        }
        filter.pids = try numbers(pid, "--pid")
        filter.tids = try numbers(tid, "--tid")
        if !comm.isEmpty { filter.commands = Set(comm.flatMap { $0.split(separator: ",") }.map { Array($0.utf8) }) }
        if let time {
            let parts = time.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ValidationError("--time takes START,END (either may be empty)") }
            func seconds(_ part: Substring, _ empty: UInt64) throws -> UInt64 {
                if part.isEmpty { return empty }
                guard let value = TimeText.parseSeconds(Array(part.utf8)) else {
                    throw ValidationError("invalid time '\(TextEscaping.escape(String(part)))' in --time (seconds, such as 12.5)")
                }
                return UInt64(value)
            }
            let start = try seconds(parts[0], 0)
            let end = try seconds(parts[1], .max)
            guard start <= end else { throw ValidationError("--time starts after it ends") }
            filter.times = start...end
        }
        return filter
    }

    /// "-0.5" or "+12.25" or "3" as nanoseconds.
    static func signedNanoseconds(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        guard let value = TimeText.parseSeconds(bytes) else { return nil }
        return negative ? -value : value
    }

    func run() throws {
        try Failure.guarded {
            // Frames are looked up pid by pid: the file is checked as opening
            // checks it, not read whole (as `lookup` does).
            let opened = try OpenedRecording(path: recording, verifying: false)
            let index = opened.loadingIndex()
            let reader = perfData == "-"
                ? try PerfDataReader(descriptor: .standardInput, name: "standard input") : try PerfDataReader(path: perfData)
            if reader.dataSizeWasMissing {
                StandardError.line("vmasnap: warning: \(TextEscaping.escape(perfData)): the header's data size is 0 "
                    + "(perf did not finish); reading the data to the end of the file")
            }
            PerfResolve.checkOrigin(reader: reader, recording: opened)
            let clocks = try PerfResolve.clockChoice(
                reader: reader, path: perfData, recording: opened, index: index,
                userOffset: clockOffset.flatMap(PerfResolve.signedNanoseconds))

            let resolver = PerfSampleResolver(reader: reader, index: index, conversion: clocks.conversion)
            resolver.filter = try filter()
            resolver.compare = compare
            let output = StandardOutput()
            let printer = PerfResolvePrinter(index: index, json: json, output: output)
            let symbols = symbolOptions.symbols || folded
                ? SymbolPrinter(symbolizer: symbolOptions.makeSymbolizer(stored: opened.storedSymbolTables), json: json) : nil
            printer.symbols = folded ? nil : symbols
            let stacks = folded ? FoldedStacks(index: index, symbols: symbols!) : nil
            var comparison = PerfComparison()
            let progress = ProgressLine.forLargeInput(size: reader.inputSize, what: "perf-resolve")
            defer { progress?.clear() }
            do {
                try resolver.run(progress: progress.map { line in { line.show(bytesRead: $0) } }) { sample in
                    if compare {
                        comparison.add(sample, index: index, view: resolver.perfView)
                    } else if let stacks {
                        stacks.begin(pid: sample.pid, time: sample.recordingTime)
                        for frame in sample.frames { stacks.add(address: frame.address, resolution: frame.resolution) }
                    } else {
                        try printer.print(sample)
                    }
                }
            } catch {
                progress?.clear()
                try? output.flush()
                PerfResolve.summarize(resolver, clocks: clocks, opened: opened, index: index)
                throw error
            }
            progress?.clear()
            if compare { try PerfResolve.printComparison(comparison, resolver: resolver, json: json, output: output) }
            try stacks?.write(to: output)
            try output.flush()
            PerfResolve.summarize(resolver, clocks: clocks, opened: opened, index: index)
        }
    }

    /// The summary line, and the notes about what was converted or missing.
    static func summarize(_ resolver: PerfSampleResolver, clocks: ClockChoice, opened: OpenedRecording, index: LoadingAddressIndex) {
        // Damage found while loading a pid: answered from what comes before it.
        opened.warn()
        if let error = index.loadingErrors.first {
            StandardError.line("vmasnap: warning: " + TextEscaping.escape(String(describing: error)))
        }
        let reading = resolver.reader.statistics
        if reading.lostRecords > 0 || reading.lostSamples > 0 {
            StandardError.line("vmasnap: warning: the kernel lost \(reading.lostRecords) records and \(reading.lostSamples) "
                + "samples while perf recorded")
        }
        if reading.unknownEventRecords > 0 {
            StandardError.line("vmasnap: warning: \(reading.unknownEventRecords) records name no event of the file; skipped")
        }
        for note in clockNotes(clocks, conversions: resolver.conversions) { StandardError.line("vmasnap: " + note) }
        let statistics = resolver.statistics
        let counts = ResolutionStatus.allCases.compactMap { status -> String? in
            let count = statistics.count(status)
            return count == 0 ? nil : "\(count) \(status)"
        }
        let of = statistics.resolvedSamples == statistics.samples ? "" : " (of \(statistics.samples))"
        StandardError.line("[ vmasnap perf-resolve: \(statistics.resolvedSamples) sample\(statistics.resolvedSamples == 1 ? "" : "s")\(of), "
            + "\(statistics.frames) frame\(statistics.frames == 1 ? "" : "s")\(counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")) ]")
    }
}
