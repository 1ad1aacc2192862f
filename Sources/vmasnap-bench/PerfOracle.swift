import Foundation
import VMASnap

/// perf's own answers, as the oracle of the Done-when figures: its MMAP2
/// records (`perf script --show-mmap-events`) and its samples, set beside
/// `vmasnap lookup --perf-script --json`'s answers for the same samples.
struct PerfOracle {
    /// An executable file mapping perf recorded.
    struct Mapping {
        var time: Int64
        var start: UInt64
        var end: UInt64
        var pageOffset: UInt64
        var path: String
    }

    /// The comparison of every user-space sample perf has a file for.
    struct Comparison {
        /// User-space samples perf attributes to a file by its own MMAP2 records of the sample's pid.
        var samples = 0
        /// Of them, answered with perf's file and offset.
        var same = 0
        /// `exact` answers that differ from perf's.
        var wrongExact = 0
        /// Answers that differ, by status.
        var different: [String: Int] = [:]
        var percent: Double { samples == 0 ? .nan : Double(same) * 100 / Double(samples) }
    }

    /// Per pid, perf's executable file mappings in time order.
    private(set) var mappings: [Int32: [Mapping]] = [:]

    /// Parses "comm PID/TID TIME: PERF_RECORD_MMAP2 PID/TID: [0xSTART(0xLEN) @ 0xPGOFF ...]: PERMS PATH" lines.
    init(mmapEvents text: String) {
        for line in text.split(separator: "\n") {
            guard let marker = line.range(of: "PERF_RECORD_MMAP2 ") else { continue }
            let head = line[..<marker.lowerBound].split(separator: " ")
            guard head.count >= 2, let time = TimeText.parseSeconds(Array(head[head.count - 1].dropLast().utf8)),
                let pid = Int32(head[head.count - 2].split(separator: "/")[0])
            else { continue }
            let rest = line[marker.upperBound...]
            guard let open = rest.firstIndex(of: "["), let close = rest.range(of: "]: ") else { continue }
            let parts = rest[rest.index(after: open)..<close.lowerBound].split(separator: " ")
            guard parts.count >= 3, let paren = parts[0].firstIndex(of: "("),
                let start = AddressText.parse(String(parts[0][..<paren])),
                let length = AddressText.parse(String(parts[0][parts[0].index(after: paren)...].dropLast())),
                let pageOffset = AddressText.parse(String(parts[2]))
            else { continue }
            let tail = rest[close.upperBound...]
            guard let space = tail.firstIndex(of: " ") else { continue }
            let path = String(tail[tail.index(after: space)...])
            guard tail[..<space].contains("x"), path.hasPrefix("/") else { continue }
            mappings[pid, default: []].append(Mapping(time: time, start: start, end: start + length, pageOffset: pageOffset, path: path))
        }
    }

    /// perf's answer: the latest MMAP2 of `pid` at or before `time` covering
    /// `address` (perf never learns of unmaps; a later mapping wins).
    func answer(pid: Int32, time: Int64, address: UInt64) -> Mapping? {
        mappings[pid]?.last { $0.time <= time && $0.start <= address && address < $0.end }
    }

    /// Compares `perf script -F pid,tid,time,ip --ns` lines with vmasnap's
    /// JSON answers, line by line.
    ///
    /// - Throws: `BenchmarkError` when the two do not pair up.
    func compare(samples: String, answers: String) throws -> Comparison {
        let sampleLines = samples.split(separator: "\n")
        let answerLines = answers.split(separator: "\n")
        guard sampleLines.count == answerLines.count else {
            throw BenchmarkError("\(sampleLines.count) samples but \(answerLines.count) answers")
        }
        var comparison = Comparison()
        for (sample, answerLine) in zip(sampleLines, answerLines) {
            let fields = sample.split(separator: " ")
            guard fields.count >= 3, let pid = Int32(fields[0].split(separator: "/")[0]),
                let time = TimeText.parseSeconds(Array(fields[1].dropLast().utf8)), let address = AddressText.parse(String(fields[2])),
                address < ResolutionStatus.kernelAddressStart, let perf = answer(pid: pid, time: time, address: address)
            else { continue }
            let answer = try JSONSerialization.jsonObject(with: Data(answerLine.utf8)) as? [String: Any] ?? [:]
            let status = answer["status"] as? String ?? "?"
            let offset = (answer["file_offset"] as? String).flatMap(AddressText.parse)
            comparison.samples += 1
            if answer["path"] as? String == perf.path && offset == address - perf.start + perf.pageOffset {
                comparison.same += 1
            } else {
                comparison.different[status, default: 0] += 1
                if status == "exact" { comparison.wrongExact += 1 }
            }
        }
        return comparison
    }

    /// Records `command` under `perf record -k CLOCK_MONOTONIC` under
    /// `vmasnap record` (its default settings and `recorderArguments`), in
    /// `directory`, and compares every user-space sample.
    ///
    /// - Throws: `BenchmarkError` when a command fails.
    static func record(_ command: [String], in directory: String, vmasnap: String, recorderArguments: [String] = []) throws -> Comparison {
        let maps = directory + "/maps.data"
        let perfData = directory + "/perf.data"
        // -N -B: no build-ID cache or pass; the comparison reads none.
        _ = try RecorderRun.run([vmasnap, "record", "--force", "-o", maps] + recorderArguments
            + ["--", "/usr/bin/perf", "record", "-q", "-N", "-B", "-k", "CLOCK_MONOTONIC", "-F", "2999", "-o", perfData, "--"] + command)
        let samples = directory + "/samples.txt"
        try ChildRun.output(["/usr/bin/perf", "script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns"]).write(to: URL(fileURLWithPath: samples))
        let mmaps = try ChildRun.output(["/usr/bin/perf", "script", "-i", perfData, "--show-mmap-events", "-F", "pid,tid,time,ip", "--ns"])
        let answers = try ChildRun.output([vmasnap, "lookup", maps, "--perf-script", "--json"], input: samples)
        let oracle = PerfOracle(mmapEvents: String(decoding: mmaps, as: UTF8.self))
        return try oracle.compare(samples: String(decoding: try Data(contentsOf: URL(fileURLWithPath: samples)), as: UTF8.self),
                                  answers: String(decoding: answers, as: UTF8.self))
    }
}
