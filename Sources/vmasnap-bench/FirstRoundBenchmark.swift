import Foundation

/// Issue 12, item 10: `record -a`'s first round (every existing process)
/// against perf's start-up synthesis of the same processes (perf reads every
/// /proc/PID/maps as text), end to end, interleaved.
struct FirstRoundBenchmark {
    struct Row {
        var name: String
        var wall = Samples()
        var cpu = Samples()
    }

    struct Result {
        var rows: [Row] = []
        var processes = 0
        var mappings = 0
        /// `perf bench internals synthesize -t` on one thread: µs and events.
        var perfSynthesisMicroseconds = Samples()
        var perfSynthesisEvents = Samples()
        var runs = 0
    }

    let vmasnap: String
    let quick: Bool

    func run() throws -> Result {
        var result = Result(runs: quick ? 2 : 5)
        let file = NSTemporaryDirectory() + "vmasnap-bench-first.data"
        let perfData = NSTemporaryDirectory() + "vmasnap-bench-first.perf.data"
        // The start-up and finish of a recorder of one small process: what
        // the -a rows cost beside their rounds.
        let idle = Process()
        idle.executableURL = URL(fileURLWithPath: "/bin/sleep")
        idle.arguments = ["600"]
        try idle.run()
        defer { idle.terminate() }
        let contenders: [(String, [String])] = [
            ("`vmasnap record -p PID --events off --duration 1ms` of one `sleep` (start-up and finish alone)",
             [vmasnap, "record", "-p", "\(idle.processIdentifier)", "--force", "-o", file, "--events", "off", "--duration", "1ms"]),
            ("`vmasnap record -a --events off --duration 1ms` (walks only)",
             [vmasnap, "record", "-a", "--force", "-o", file, "--events", "off", "--duration", "1ms"]),
            ("`vmasnap record -a --duration 1ms` (events on: per-CPU tracking events too)",
             [vmasnap, "record", "-a", "--force", "-o", file, "--duration", "1ms"]),
            ("`perf record -a -N -B -e dummy:u -- true`",
             ["/usr/bin/perf", "record", "-q", "-a", "-N", "-B", "-e", "dummy:u", "-o", perfData, "--", "/bin/true"]),
        ]
        var rows = contenders.map { Row(name: $0.0) }
        for _ in 0..<result.runs {
            for (index, contender) in contenders.enumerated() {
                let run = try RecorderRun.run(contender.1)
                rows[index].wall.add(run.wall)
                rows[index].cpu.add(run.cpuWithChildren)
                if index == 1 {
                    let facts = try RecordingFacts(vmasnap: vmasnap, file: file)
                    result.processes = facts.processes
                }
            }
            let text = String(decoding: try ChildRun.output(["/usr/bin/perf", "bench", "internals", "synthesize", "-t", "-m", "1", "-M", "1", "-I", "1"]),
                              as: UTF8.self)
            if let took = text.firstMatch(of: /Average synthesis took: ([0-9.]+) usec/), let events = text.firstMatch(of: /Average num. events: ([0-9.]+)/) {
                result.perfSynthesisMicroseconds.add(Double(took.1)!)
                result.perfSynthesisEvents.add(Double(events.1)!)
            }
        }
        result.mappings = (try? ChildRun.output(["/usr/bin/perf", "script", "-i", perfData, "--show-mmap-events"]))
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\n").filter { $0.contains("PERF_RECORD_MMAP") }.count } ?? 0
        try? FileManager.default.removeItem(atPath: file)
        try? FileManager.default.removeItem(atPath: perfData)
        result.rows = rows
        return result
    }
}
