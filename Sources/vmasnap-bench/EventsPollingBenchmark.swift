import Foundation

/// Issue 12, item 10: the recorder's CPU with kernel events on against
/// walks alone at shorter and shorter intervals, and the answer quality each
/// reaches, on workloads of short-lived processes and library loads.
struct EventsPollingBenchmark {
    /// How the recorder runs.
    struct Contender: Hashable {
        var events: Bool
        /// nil: the default interval.
        var interval: String?
        var name: String {
            (events ? "events on" : "events off") + ", " + (interval.map { "--interval \($0)" } ?? "default interval (1 s with events)")
        }
        var arguments: [String] { ["--events", events ? "on" : "off"] + (interval.map { ["--interval", $0] } ?? []) }
    }

    struct Row {
        var contender: Contender
        var cpu = Samples()
        var wall = Samples()
        /// Children recorded running sleep (of 200), or loads of the library seen (of `loads`).
        var quality = Samples()
        var walks = Samples()
        var walksOnly = Samples()
    }

    struct Result {
        var children: [Row] = []
        var libraries: [Row] = []
        var runs = 0
        var libraryLoads = 0
    }

    static let contenders = [
        Contender(events: true, interval: nil), Contender(events: true, interval: "250ms"), Contender(events: true, interval: "100ms"),
        Contender(events: false, interval: "100ms"), Contender(events: false, interval: "10ms"), Contender(events: false, interval: "1ms"),
    ]

    let vmasnap: String
    let fixture: String
    let library: String
    let quick: Bool

    /// The 200 children of about 2 ms each (the workload).
    static let children = ["/bin/sh", "-c", "for i in $(seq 200); do sleep 0.002 & wait; done"]

    func run() throws -> Result {
        var result = Result(runs: quick ? 1 : 3, libraryLoads: 20)
        // The fixture loads and unloads the library 20 times, 50 ms apart;
        // without syscall tracepoints only walks see an unload.
        let script = (0..<result.libraryLoads).map { _ in "dlopen \(library); spin 0 20; dlclose 0; sleep 30" }.joined(separator: "; ")
        var children = Self.contenders.map { Row(contender: $0) }
        var libraries = children
        let file = NSTemporaryDirectory() + "vmasnap-bench-events.data"
        for _ in 0..<result.runs {
            for index in children.indices {
                try measure(&children[index], file: file, command: Self.children) {
                    Double(try RecordedPrograms.count(in: file, command: "sleep", mapping: "/usr/bin/sleep"))
                }
                try measure(&libraries[index], file: file, command: [fixture, "--script", script]) {
                    Double(try RecordedPrograms.loads(in: file, of: library))
                }
            }
        }
        try? FileManager.default.removeItem(atPath: file)
        result.children = children
        result.libraries = libraries
        return result
    }

    private func measure(_ row: inout Row, file: String, command: [String], quality: () throws -> Double) throws {
        let run = try RecorderRun.run([vmasnap, "record", "--force", "-o", file] + row.contender.arguments + ["--"] + command)
        row.cpu.add(run.cpu)
        row.wall.add(run.wall)
        row.quality.add(try quality())
        let facts = try RecordingFacts(vmasnap: vmasnap, file: file)
        row.walks.add(Double(facts.walks))
        row.walksOnly.add(Double(max(0, facts.changesFoundByWalksOnly)))
    }
}
