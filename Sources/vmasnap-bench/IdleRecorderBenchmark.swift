import Foundation

/// Issue 12's Done-when: an unchanged process of 10,000 VMAs costs the
/// recorder, with kernel events on, at most half the CPU of today's 100 ms
/// polling; and the events-on interval chosen by measurement.
struct IdleRecorderBenchmark {
    struct Row {
        var name: String
        var arguments: [String]
        var cpuPerSecond = Samples()
        var walks = Samples()
    }

    let vmasnap: String
    let fixture: String
    let mappedFile: String
    let seconds: Double
    let runs: Int

    /// The contenders: the baseline (walks alone at 100 ms) first.
    static let contenders: [(String, [String])] = [
        ("events off, --interval 100ms (walks alone, the default without events)", ["--events", "off", "--interval", "100ms"]),
        ("events on, default interval (1 s)", ["--events", "on"]),
        ("events on, --interval 100ms", ["--events", "on", "--interval", "100ms"]),
        ("events on, --interval 250ms", ["--events", "on", "--interval", "250ms"]),
        ("events off, --interval 1s (walks alone at 1 s: the walks' share of events on at its default)", ["--events", "off", "--interval", "1s"]),
    ]

    /// The VMAs of the target process, counted from /proc/PID/maps.
    private(set) var vmas = 0

    mutating func run() throws -> [Row] {
        let target = try TargetProcess(fixture: fixture, anonymous: 10_000, executable: 10, mappedFile: mappedFile)
        vmas = try MapsCount.lines(pid: target.pid).count
        var rows = Self.contenders.map { Row(name: $0.0, arguments: $0.1) }
        let file = NSTemporaryDirectory() + "vmasnap-bench-idle.data"
        for _ in 0..<runs {
            for index in rows.indices {
                rows[index].cpuPerSecond.add(try steadyCPU(["record", "--force", "-o", file, "-p", "\(target.pid)"] + rows[index].arguments))
                rows[index].walks.add(Double(try RecordingFacts(vmasnap: vmasnap, file: file).walks))
            }
        }
        try? FileManager.default.removeItem(atPath: file)
        return rows
    }

    /// CPU seconds per wall second of a running recorder, start-up left out:
    /// its threads' run time (/proc/PID/task/*/schedstat, ns) from one second
    /// after its start over the next `seconds`.
    private func steadyCPU(_ arguments: [String]) throws -> Double {
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: vmasnap)
        recorder.arguments = arguments + ["--duration", "\(seconds + 1.5)s"]
        recorder.standardOutput = FileHandle.nullDevice
        recorder.standardError = FileHandle.nullDevice
        try recorder.run()
        defer { recorder.waitUntilExit() }
        func runTime() -> Int64 {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(recorder.processIdentifier)/task")) ?? []
            return tasks.reduce(0) { total, task in
                let text = (try? String(contentsOfFile: "/proc/\(recorder.processIdentifier)/task/\(task)/schedstat", encoding: .utf8)) ?? ""
                return total + (Int64(text.split(separator: " ").first ?? "") ?? 0)
            }
        }
        Thread.sleep(forTimeInterval: 1)
        let (start, startCPU) = (Clock.now(), runTime())
        Thread.sleep(forTimeInterval: seconds)
        let (end, endCPU) = (Clock.now(), runTime())
        guard recorder.isRunning else { throw BenchmarkError("vmasnap \(arguments.joined(separator: " ")) ended early") }
        return Double(endCPU - startCPU) / Double(end - start)
    }
}
