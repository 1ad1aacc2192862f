import Foundation
import VMASnap

// vmasnap-bench: the benchmark suite behind Scripts/bench. Every contender of
// a table is measured interleaved in the same run, and tables report medians
// and ratios, because these machines are shared and noisy.
//
//   vmasnap-bench --fixture PATH --mapped-file PATH [--budget SECONDS] [--quick]
//
// Prints BENCHMARKS.md's tables (Markdown) on stdout.

var arguments = CommandLine.arguments.dropFirst()
var fixture = ""
var mappedFile = ""
var budget = 2.0
var quick = false
var vmasnap = ""
var only: String?
var profile: (n: Int, k: Int, seconds: Double)?
var pidRecording: (pids: Int, path: String)?
var profileTracking: Int?
while let argument = arguments.popFirst() {
    switch argument {
    case "--write-pid-recording":
        // Writes the recording of the pid-lookups table and its queries
        // (PATH.queries, `vmasnap lookup --stdin` lines), to time the CLI by hand.
        pidRecording = (Int(arguments.popFirst() ?? "") ?? 10_000, arguments.popFirst() ?? "pids.data")
    case "--profile-steady":
        // Loops the steady-state walk alone, for perf record / callgrind.
        profile = (Int(arguments.popFirst() ?? "") ?? 100, Int(arguments.popFirst() ?? "") ?? 100,
                   Double(arguments.popFirst() ?? "") ?? 3)
    case "--profile-tracking":
        // Loops the tracking reader on bursts alone, for perf record.
        profileTracking = Int(arguments.popFirst() ?? "") ?? 20
    case "--fixture": fixture = arguments.popFirst() ?? ""
    case "--mapped-file": mappedFile = arguments.popFirst() ?? ""
    case "--budget": budget = Double(arguments.popFirst() ?? "") ?? budget
    case "--quick": quick = true
    case "--vmasnap": vmasnap = arguments.popFirst() ?? ""
    case "--only": only = arguments.popFirst()
    default:
        FileHandle.standardError.write("vmasnap-bench: unknown argument \(argument)\n".data(using: .utf8)!)
        exit(64)
    }
}
if let pidRecording {
    do {
        try PIDLookupBenchmark.writeRecording(path: pidRecording.path, pids: pidRecording.pids, queriesTo: pidRecording.path + ".queries")
        exit(0)
    } catch {
        FileHandle.standardError.write("vmasnap-bench: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}
guard !fixture.isEmpty, !mappedFile.isEmpty else {
    FileHandle.standardError.write("usage: vmasnap-bench --fixture PATH --mapped-file PATH [--budget S] [--quick]\n".data(using: .utf8)!)
    exit(64)
}

do {
    if let profile {
        let target = try TargetProcess(fixture: fixture, anonymous: profile.n, executable: profile.k, mappedFile: mappedFile)
        let capture: any MappingCapture = ProcessInfo.processInfo.environment["PROFILE_TEXT"] != nil
            ? try TextCapture(pid: target.pid) : try IoctlCapture(pid: target.pid)
        var walks = 0
        let deadline = Clock.now() + Int64(profile.seconds * 1e9)
        while Clock.now() < deadline { _ = try capture.capture(); walks += 1 }
        print("walks: \(walks)")
        exit(0)
    }
    if let rounds = profileTracking {
        var result = TrackingBenchmark.Result(pairs: 0)
        try TrackingBenchmark(fixture: fixture, library: mappedFile, quick: false).readerCost(&result, rounds: rounds)
        print("ns a record: \(result.readerNanosecondsPerRecord.median), an empty drain: \(result.readerNanosecondsPerEmptyDrain.median)")
        exit(0)
    }
    let report = Report()
    /// Whether to run a section: all by default, or the one `--only` names
    /// (capture, size, recorder, memory, tracking, events-polling, events-idle,
    /// first-round, done-when, lookups, symbols, perf-resolve;
    /// "lookups" includes pid-lookups, one lookup in each of many pids).
    func runs(_ section: String) -> Bool {
        guard only == nil || only == section else { return false }
        FileHandle.standardError.write("\(section)...\n".data(using: .utf8)!)
        return true
    }
    /// A section run alone lands in BENCHMARKS.md beside tables of another
    /// run: it says when and under what load it ran.
    func noteRunAlone() {
        guard only != nil else { return }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        let date = ISO8601DateFormatter().string(from: Date()).prefix(10)
        report.line("*Run alone (`Scripts/bench --only \(only!)`) on \(date), load average \(load) at its start.*")
        report.line()
    }
    if runs("capture") {
        let capture = CaptureBenchmark(fixture: fixture, mappedFile: mappedFile, budget: quick ? 0.3 : budget)
        var rows: [CaptureBenchmark.Row] = []
        for n in quick ? [100] : [100, 1000, 10000, 50000] {
            for k in quick ? [10] : [10, 100] {
                rows.append(try capture.run(anonymous: n, executable: k))
            }
        }
        report.captureTables(rows)
    }
    if runs("size") {
        report.fileSizeTables(try FileSizeBenchmark(fixture: fixture, mappedFile: mappedFile).run())
    }
    if !vmasnap.isEmpty && runs("recorder") {
        let seconds = quick ? 2.0 : 10.0
        report.recorderTable(try RecorderBenchmark(vmasnap: vmasnap, fixture: fixture, mappedFile: mappedFile, seconds: seconds).run(), seconds: seconds)
    }
    if !vmasnap.isEmpty && runs("memory") {
        report.memoryTable(try MemoryBenchmark(vmasnap: vmasnap, quick: quick).run(), note: noteRunAlone)
    }
    if runs("tracking") {
        report.trackingTables(try TrackingBenchmark(fixture: fixture, library: mappedFile, quick: quick, vmasnap: vmasnap).run())
    }
    if !vmasnap.isEmpty && runs("events-polling") {
        report.eventsPollingTables(try EventsPollingBenchmark(vmasnap: vmasnap, fixture: fixture, library: mappedFile, quick: quick).run(),
                                   note: noteRunAlone)
    }
    if !vmasnap.isEmpty && runs("events-idle") {
        let seconds = quick ? 2.0 : 4.0
        let runs = quick ? 1 : 3
        var idle = IdleRecorderBenchmark(vmasnap: vmasnap, fixture: fixture, mappedFile: mappedFile, seconds: seconds, runs: runs)
        let rows = try idle.run()
        report.idleRecorderTable(rows, vmas: idle.vmas, seconds: seconds, runs: runs, note: noteRunAlone)
    }
    if !vmasnap.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/perf") && runs("first-round") {
        report.firstRoundTable(try FirstRoundBenchmark(vmasnap: vmasnap, quick: quick).run(), note: noteRunAlone)
    }
    if !vmasnap.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/perf") && runs("done-when") {
        report.doneWhenTable(try DoneWhenBenchmark(vmasnap: vmasnap, fixture: fixture, mappedFile: mappedFile, quick: quick).run(),
                             note: noteRunAlone)
    }
    if runs("lookups") {
        report.lookupTables(try LookupBenchmark().run(quick: quick), note: noteRunAlone)
    }
    if only == "lookups" || runs("pid-lookups") {
        let pids = PIDLookupBenchmark(vmasnap: vmasnap)
        report.pidLookupTable(try pids.run(pidCounts: quick ? [1000, 10000] : [1000, 2000, 4000, 10000], repetitions: quick ? 1 : 3),
                              note: noteRunAlone)
    }
    if runs("symbols") {
        report.symbolTables(try SymbolBenchmark(tinyFile: mappedFile, quick: quick).run())
    }
    if !vmasnap.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/perf") && runs("perf-resolve") {
        report.perfResolveTable(try PerfResolveBenchmark(vmasnap: vmasnap, fixture: fixture, quick: quick).run(), note: noteRunAlone)
    }
    print(report.text, terminator: "")
} catch {
    FileHandle.standardError.write("vmasnap-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
