import Foundation

extension Report {
    private static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    func eventsPollingTables(_ result: EventsPollingBenchmark.Result, note: () -> Void) {
        line("## Kernel events: recorder CPU against polling at the same answer quality (issue 12)")
        line()
        note()
        line("`vmasnap record -- WORKLOAD` with kernel events on or off and the interval named, every contender in turn in "
            + "each of \(result.runs) rounds; medians. *Recorder CPU*: the recorder's own user + system seconds (its "
            + "/proc/PID/stat once it has exited, before it is reaped: 10 ms ticks; the command's tree, which it reaps, is not in it). "
            + "*Walks* and *found by walks only* (changes no event reported) are `vmasnap info --json`'s.")
        line()
        line("Workload: the issue's 200 children of about 2 ms each (`sh -c 'for i in $(seq 200); do sleep 0.002 & wait; done'`). "
            + "*Recorded*: children in the recording with /usr/bin/sleep mapped, of 200.")
        line()
        table(result.children, quality: "recorded of 200", qualityTotal: 200)
        line("Workload: the fixture loads a library, runs in it for 20 ms, unloads it and sleeps 30 ms, \(result.libraryLoads) times. "
            + "*Loads seen*: times the library appears in the command's history after an epoch without it, of \(result.libraryLoads); "
            + "without syscall tracepoints (`--unmap-events`, off by default) an unload is seen by a walk only.")
        line()
        table(result.libraries, quality: "loads seen of \(result.libraryLoads)", qualityTotal: Double(result.libraryLoads))
    }

    private func table(_ rows: [EventsPollingBenchmark.Row], quality: String, qualityTotal: Double) {
        line("| recorder | recorder CPU s | × events on, default | wall s | \(quality) | walks | found by walks only |")
        line("|---|---:|---:|---:|---:|---:|---:|")
        let base = rows.first?.cpu.median ?? .nan
        for row in rows {
            line("| \(row.contender.name) | \(Self.fixed(row.cpu.median, 2)) | \(Self.ratio(row.cpu.median / base)) | "
                + "\(Self.fixed(row.wall.median, 2)) | \(Self.fixed(row.quality.median, 0)) | \(Self.fixed(row.walks.median, 0)) | "
                + "\(Self.fixed(row.walksOnly.median, 0)) |")
        }
        line()
    }

    func idleRecorderTable(_ rows: [IdleRecorderBenchmark.Row], vmas: Int, seconds: Double, runs: Int, note: () -> Void) {
        line("## Kernel events: an unchanged 10,000-VMA process (issue 12)")
        line()
        note()
        line("`vmasnap record -p PID` of the fixture holding \(vmas) VMAs (10,000 anonymous ones that "
            + "cannot merge, 10 executable mappings), unchanged all along; the recorder's CPU seconds per wall second in the steady "
            + "state (its threads' run time from /proc/PID/task/*/schedstat, from 1 s after its start over the next \(Int(seconds)) s), "
            + "every contender in turn in each of \(runs) rounds, medians. Done-when: events on at its default costs at most half "
            + "of walks alone at 100 ms (the aim: a tenth).")
        line()
        line("| recorder | CPU s / s | × walks alone at 100 ms | walks |")
        line("|---|---:|---:|---:|")
        let base = rows.first?.cpuPerSecond.median ?? .nan
        for row in rows {
            line("| \(row.name) | \(Self.fixed(row.cpuPerSecond.median, 4)) | \(Self.ratio(row.cpuPerSecond.median / base)) | "
                + "\(Self.fixed(row.walks.median, 0)) |")
        }
        line()
    }

    func firstRoundTable(_ result: FirstRoundBenchmark.Result, note: () -> Void) {
        line("## Kernel events: -a's first round against perf's start-up synthesis (issue 12)")
        line()
        note()
        line("End to end, every contender in turn in each of \(result.runs) rounds, medians: wall seconds and CPU seconds "
            + "(user + system, wait4; perf's includes /bin/true). `vmasnap record -a --duration 1ms` writes its first round "
            + "(every process: \(result.processes) in the last run) and the last round at the end; `perf record -a` synthesizes "
            + "every process's mappings from /proc/PID/maps text at its start (\(result.mappings) MMAP records in its last file).")
        line()
        line("| contender | wall s | CPU s | × perf wall | × perf CPU |")
        line("|---|---:|---:|---:|---:|")
        let perf = result.rows.last
        for row in result.rows {
            line("| \(row.name) | \(Self.fixed(row.wall.median, 3)) | \(Self.fixed(row.cpu.median, 3)) | "
                + "\(Self.ratio(row.wall.median / (perf?.wall.median ?? .nan))) | \(Self.ratio(row.cpu.median / (perf?.cpu.median ?? .nan))) |")
        }
        line()
        if result.rows.count == 4 {
            let startUp = result.rows[0].cpu.median
            line("The -a rounds alone (the -a rows less the start-up row): \(Self.fixed((result.rows[1].cpu.median - startUp) * 1000, 1)) ms "
                + "of CPU with walks only, \(Self.fixed((result.rows[2].cpu.median - startUp) * 1000, 1)) ms with events on.")
            line()
        }
        line("perf's own figure, `perf bench internals synthesize -t -m 1 -M 1` (synthesis alone, one thread, every process): "
            + "\(Self.fixed(result.perfSynthesisMicroseconds.median / 1000, 1)) ms for \(Self.fixed(result.perfSynthesisEvents.median, 0)) events "
            + "(median of \(result.perfSynthesisMicroseconds.count) runs).")
        line()
    }

    func doneWhenTable(_ result: DoneWhenBenchmark.Result, note: () -> Void) {
        line("## Kernel events: issue 12's Done-when at the default settings")
        line()
        note()
        line("`vmasnap record` at its defaults (kernel events auto, here on) around `perf record -q -N -B -k CLOCK_MONOTONIC -F 2999`; "
            + "each user-space sample perf attributes to a file by its own MMAP2 records of the sample's pid, answered by "
            + "`vmasnap lookup --perf-script --json` and compared with perf's file and offset. One figure per run.")
        line()
        func runs(_ comparisons: [PerfOracle.Comparison]) -> String {
            comparisons.map { "\($0.same) / \($0.samples) = \(Self.fixed($0.percent, 2))%" + ($0.different.isEmpty ? "" : " (others: "
                + $0.different.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")") }
                .joined(separator: "; ")
        }
        line("| goal | measured | met |")
        line("|---|---|---|")
        let buildMedian = Samples(result.build.map { $0.percent }).median
        let wrong = result.build.map { $0.wrongExact }.reduce(0, +) + result.swaps.map { $0.wrongExact }.reduce(0, +)
        line("| `make -j2` of 16 C programs: ≥ 99% of user-space samples get perf's file and offset | \(runs(result.build)) | "
            + "\(buildMedian >= 99 ? "yes" : "no") (median \(Self.fixed(buildMedian, 2))%) |")
        line("| never a wrong `exact` answer (build and swaps) | \(wrong) wrong | \(wrong == 0 ? "yes" : "no") |")
        let childrenMedian = Samples(result.children.map(Double.init)).median
        line("| ≥ 198 of 200 short-lived children recorded with their mappings | "
            + "\(result.children.map(String.init).joined(separator: ", ")) | \(childrenMedian >= 198 ? "yes" : "no") (median \(Self.fixed(childrenMedian, 0))) |")
        let swapMedian = Samples(result.swaps.map { $0.percent }).median
        line("| libraries swapped at shared addresses: ≥ 99.5% of samples agree with perf | \(runs(result.swaps)) | "
            + "\(swapMedian >= 99.5 ? "yes" : "no") (median \(Self.fixed(swapMedian, 2))%) |")
        if result.idle.count == 2 {
            let ratio = result.idle[1].cpuPerSecond.median / result.idle[0].cpuPerSecond.median
            line("| an unchanged \(result.idleVMAs)-VMA process (`-p`): events on at the default ≤ 0.5× the CPU of walks alone at 100 ms (aim 0.1×) | "
                + "\(Self.fixed(result.idle[1].cpuPerSecond.median, 4)) against \(Self.fixed(result.idle[0].cpuPerSecond.median, 4)) CPU s / s: "
                + "\(Self.ratio(ratio)) | \(ratio <= 0.5 ? "yes" : "no")\(ratio <= 0.1 ? ", aim met" : "") |")
        }
        line()
    }
}

extension Samples {
    init(_ values: [Double]) {
        self.init()
        values.forEach { add($0) }
    }
}
