import Foundation
import VMASnap

/// Looking up one address in each of many pids, as `vmasnap lookup` does on a
/// `record -a` file: a `LoadingAddressIndex` (each pid's histories read when
/// first asked) against an `AddressIndex` built up front from every history,
/// measured interleaved on the same recordings, and the real CLI.
///
/// The recordings are written by the real writer and look like `record -a`
/// over a minute of a busy machine at 10 Hz: processes start all through it
/// and most live a few seconds; a tenth live throughout; each maps 10–40 of
/// 300 libraries and one in five loads another later. Each pid is looked up
/// once, at a time it was alive, in the order of a perf script (by time).
struct PIDLookupBenchmark {
    struct Row {
        var pids: Int
        var fileBytes: Int
        var lazy: Double
        var upFront: Double
        /// `vmasnap lookup FILE --stdin`, one line per pid; nil without the CLI.
        var command: Double?
    }

    /// The CLI to time, if any.
    let vmasnap: String

    func run(pidCounts: [Int], repetitions: Int) throws -> [Row] {
        var rows: [Row] = []
        for pids in pidCounts {
            let path = NSTemporaryDirectory() + "vmasnap-bench-pids-\(pids).data"
            let input = path + ".queries"
            let queries = try Self.writeRecording(path: path, pids: pids, queriesTo: input)
            var row = Row(pids: pids, fileBytes: Self.size(path), lazy: 0, upFront: 0)
            var lazy = Samples(), upFront = Samples(), command = Samples()
            for _ in 0..<repetitions {
                var begin = Clock.now()
                let answeredLazily = try Self.lookUpLazily(path: path, queries)
                lazy.add(Double(Clock.now() - begin) / 1e9)
                begin = Clock.now()
                let answeredUpFront = try Self.lookUpUpFront(path: path, queries)
                upFront.add(Double(Clock.now() - begin) / 1e9)
                precondition(answeredLazily == answeredUpFront && answeredLazily * 10 >= queries.count * 9,
                             "lazy and up-front lookups disagree (\(answeredLazily), \(answeredUpFront) of \(queries.count))")
                if !vmasnap.isEmpty {
                    begin = Clock.now()
                    try Self.runCommand([vmasnap, "lookup", path, "--stdin"], input: input)
                    command.add(Double(Clock.now() - begin) / 1e9)
                }
            }
            row.lazy = lazy.median
            row.upFront = upFront.median
            row.command = vmasnap.isEmpty ? nil : command.median
            rows.append(row)
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: input)
        }
        return rows
    }

    /// Opens the recording and answers every query through a loading index; returns how many were exact.
    static func lookUpLazily(path: String, _ queries: [LookupQuery]) throws -> Int {
        let reader = try RecordingReader(path: path)
        let index = LoadingAddressIndex(loadingHistoriesWith: { try reader.histories(pid: $0) })
        var cursor = LookupCursor(index: index)
        return queries.reduce(0) { $0 + (cursor.resolve($1).status == .exact ? 1 : 0) }
    }

    /// Opens the recording, indexes every history, and answers every query.
    static func lookUpUpFront(path: String, _ queries: [LookupQuery]) throws -> Int {
        let reader = try RecordingReader(path: path)
        let index = AddressIndex(histories: try reader.histories())
        var cursor = LookupCursor(index: index)
        return queries.reduce(0) { $0 + (cursor.resolve($1).status == .exact ? 1 : 0) }
    }

    /// Writes the recording, and the queries as `vmasnap lookup --stdin`
    /// lines to `queriesTo`; returns one query per pid, in time order.
    @discardableResult
    static func writeRecording(path: String, pids: Int, queriesTo input: String) throws -> [LookupQuery] {
        try? FileManager.default.removeItem(atPath: path)
        let start: Int64 = 1_000_000_000_000
        let rounds = 600
        let writer = try RecordingWriter(path: path, header: .current(options: "bench -a", backend: .ioctl, start: start))
        var generator = SeededGenerator(seed: UInt64(pids))
        let libraries = (0..<300).map { index in
            (MappedPath("/usr/lib/x86_64-linux-gnu/lib\(index).so.\(index % 5)"),
             BuildID((0..<20).map { UInt8(truncatingIfNeeded: index &* 13 &+ $0 &* 5) })!)
        }
        struct Planned {
            var pid: Int32
            var firstRound: Int
            var lastRound: Int
            var changeRound: Int?
            var mappings: [ExecutableMapping]
            var number = -1
        }
        var planned: [Planned] = []
        for index in 0..<pids {
            let longLived = Int.random(in: 0..<10, using: &generator) == 0
            let first = longLived ? 0 : Int.random(in: 0..<rounds, using: &generator)
            let last = longLived ? rounds - 1 : min(rounds - 1, first + Int.random(in: 1...50, using: &generator))
            var mappings: [ExecutableMapping] = []
            var address: UInt64 = 0x7f00_0000_0000
            for _ in 0..<Int.random(in: 10...40, using: &generator) {
                let library = libraries[Int.random(in: 0..<libraries.count, using: &generator)]
                mappings.append(ExecutableMapping(
                    start: address, end: address + 0x20000, offset: 0x1000, permissions: [.read, .execute],
                    device: DeviceNumber(major: 254, minor: 1), inode: UInt64(library.0.bytes.count * 7919),
                    pageSize: 4096, path: library.0, buildID: library.1))
                address += 0x100000
            }
            let change = last > first && Int.random(in: 0..<5, using: &generator) == 0
                ? Int.random(in: (first + 1)...last, using: &generator) : nil
            planned.append(Planned(pid: Int32(2000 + index), firstRound: first, lastRound: last, changeRound: change,
                                   mappings: mappings))
        }
        var byFirstRound = [[Int]](repeating: [], count: rounds)
        for (index, process) in planned.enumerated() { byFirstRound[process.firstRound].append(index) }
        var live: [Int] = []
        var queries: [LookupQuery] = []
        for round in 0..<rounds {
            let time = start + Int64(round) * 100_000_000
            try writer.beginRound(time: time)
            for index in byFirstRound[round] {
                let process = RecordedProcess(
                    identity: ProcessIdentity(pid: planned[index].pid, startTime: UInt64(10_000 + index)), parentPID: 1,
                    command: Array("job\(index)".utf8), executable: nil)
                planned[index].number = try writer.processSeen(process)
                live.append(index)
            }
            var stillLive: [Int] = []
            for index in live {
                if round > planned[index].lastRound {
                    try writer.processGone(process: planned[index].number, reason: .exited)
                    continue
                }
                if round == planned[index].changeRound {
                    var added = planned[index].mappings.last!
                    added.start += 0x100000
                    added.end += 0x100000
                    planned[index].mappings.append(added)
                }
                _ = try writer.snapshot(process: planned[index].number, mappings: planned[index].mappings)
                if round == (planned[index].firstRound + planned[index].lastRound) / 2 {
                    let mapping = planned[index].mappings[Int.random(in: 0..<planned[index].mappings.count, using: &generator)]
                    queries.append(LookupQuery(pid: planned[index].pid, time: time + 50_000_000, address: mapping.start + 0x1234))
                }
                stillLive.append(index)
            }
            live = stillLive
            try writer.endRound()
        }
        try writer.finish()
        try queries.map { "\($0.pid) +\(Self.seconds($0.time - start)) \(AddressText.format($0.address))" }
            .joined(separator: "\n").appending("\n").write(toFile: input, atomically: true, encoding: .utf8)
        return queries
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// "12.345678901": nanoseconds as seconds.
    static func seconds(_ nanoseconds: Int64) -> String {
        String(format: "%d.%09d", nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000)
    }

    /// Runs `arguments` with standard input from `input`, output discarded; fails unless it exits 0.
    static func runCommand(_ arguments: [String], input: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardInput = FileHandle(forReadingAtPath: input)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "vmasnap-bench", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus)"])
        }
    }
}
