import Foundation

/// One run of a command as the events benchmarks time it: its wall time, its
/// own CPU (not that of the children it reaped: the recorder of a command
/// reaps its whole tree) and its stderr.
struct RecorderRun {
    var wall: Double
    /// User + system seconds of the process itself: /proc/PID/stat of the
    /// exited process before it is reaped (clock ticks, 10 ms each).
    var cpu: Double
    /// User + system seconds from wait4 (µs), its reaped children included.
    var cpuWithChildren: Double
    var standardError: String

    /// Runs `argv` to completion, stdout to /dev/null.
    ///
    /// - Throws: `BenchmarkError` when it cannot start or fails.
    static func run(_ argv: [String]) throws -> RecorderRun {
        let errors = NSTemporaryDirectory() + "vmasnap-bench-stderr-\(getpid())"
        let start = Clock.now()
        let pid = try ChildRun.launch(argv, standardError: errors)
        // Exited but not reaped: its /proc/PID/stat still holds its own times.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let wall = Double(Clock.now() - start) / 1e9
        let own = ownCPU(pid: pid)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let standardError = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errors)
        guard status == 0 else {
            throw BenchmarkError("\(argv.joined(separator: " ")) failed with status \(status): \(standardError)")
        }
        let total = usage.cpuSeconds
        return RecorderRun(wall: wall, cpu: own ?? total, cpuWithChildren: total, standardError: standardError)
    }

    /// utime + stime of /proc/PID/stat (fields 14 and 15, after the command
    /// name in parentheses), in seconds.
    private static func ownCPU(pid: pid_t) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3): utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// What `vmasnap info --json` says of a recording.
struct RecordingFacts {
    var walks: Int
    var changesFoundByWalksOnly: Int
    var processesFromEvents: Int
    var lostRecords: Int
    var processes: Int
    var rounds: Int

    /// - Throws: `BenchmarkError` when info fails or prints no object.
    init(vmasnap: String, file: String) throws {
        let data = try ChildRun.output([vmasnap, "info", "--json", file])
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchmarkError("vmasnap info --json \(file): no object")
        }
        func integer(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? -1 }
        walks = integer("walks")
        changesFoundByWalksOnly = integer("changes_found_by_walks_only")
        processesFromEvents = integer("processes_from_events")
        lostRecords = integer("lost_records")
        processes = integer("processes")
        rounds = integer("rounds")
    }
}
