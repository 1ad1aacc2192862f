import Foundation
import VMASnap

/// Issue 6's memory goals: the reader's memory is bounded by its index, not
/// by the file's size; the recorder's memory stays flat over a long -a run.
struct MemoryBenchmark {
    struct Result {
        var fileBytes: Int = 0
        var infoMaxRSS: Int = 0
        var lookupMaxRSS: Int = 0
        var recorderRounds: Int = 0
        var recorderRSS: [Int] = []
    }

    let vmasnap: String
    let quick: Bool

    func run() throws -> Result {
        var result = Result()
        let path = NSTemporaryDirectory() + "vmasnap-bench-large.data"
        let (pid, time, address) = try writeLargeRecording(path: path, bytes: quick ? 64 << 20 : 1 << 30)
        result.fileBytes = Int((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
        result.infoMaxRSS = try maxRSS([vmasnap, "info", path])
        result.lookupMaxRSS = try maxRSS([vmasnap, "lookup", path, "--pid", "\(pid)", "--time", Decimal3.seconds(time), AddressText.format(address)])
        try? FileManager.default.removeItem(atPath: path)

        // The recorder over an hour-equivalent of -a rounds at a short interval.
        let output = NSTemporaryDirectory() + "vmasnap-bench-long.data"
        let seconds = quick ? 6 : 36
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: vmasnap)
        recorder.arguments = ["record", "-a", "--interval", "5ms", "--duration", "\(seconds)s", "-o", output]
        recorder.standardError = FileHandle.nullDevice
        try recorder.run()
        while recorder.isRunning {
            usleep(1_000_000)
            if let rss = Self.residentKilobytes(pid: recorder.processIdentifier) { result.recorderRSS.append(rss) }
        }
        let reader = try RecordingReader(path: output)
        result.recorderRounds = reader.summary.rounds
        try? FileManager.default.removeItem(atPath: output)
        try? FileManager.default.removeItem(atPath: output + ".old")
        return result
    }

    /// A recording of `bytes` or more: 200 processes whose libraries move every
    /// round (keyframes and deltas that compress poorly). Returns a query that
    /// hits a mapping.
    private func writeLargeRecording(path: String, bytes: Int) throws -> (Int32, Int64, UInt64) {
        try? FileManager.default.removeItem(atPath: path)
        let start: Int64 = 1_000_000_000
        let writer = try RecordingWriter(path: path, header: .current(options: "bench", backend: .ioctl, start: start))
        var generator = SeededGenerator(seed: 99)
        let paths = (0..<300).map { MappedPath("/usr/lib/x86_64-linux-gnu/libbench\($0).so") }
        var numbers: [Int] = []
        var round = 0
        var query: (Int32, Int64, UInt64) = (0, 0, 0)
        while writer.statistics.bytesWritten < UInt64(bytes) {
            let time = start + Int64(round) * 10_000_000
            try writer.beginRound(time: time)
            if round == 0 {
                for pid in 0..<200 {
                    numbers.append(try writer.processSeen(RecordedProcess(
                        identity: ProcessIdentity(pid: Int32(10_000 + pid), startTime: 1), parentPID: 1,
                        command: Array("bench".utf8), executable: nil)))
                }
            }
            for (index, number) in numbers.enumerated() {
                var address: UInt64 = 0x7f00_0000_0000 + UInt64.random(in: 0..<1 << 24, using: &generator) << 12
                var mappings: [ExecutableMapping] = []
                for library in 0..<60 {
                    address += UInt64.random(in: 1...4096, using: &generator) << 12
                    let size = UInt64.random(in: 1...64, using: &generator) << 12
                    mappings.append(ExecutableMapping(
                        start: address, end: address + size, offset: UInt64(library) << 12, permissions: [.read, .execute],
                        device: DeviceNumber(major: 254, minor: 0), inode: UInt64(library + 1), pageSize: 4096,
                        path: paths[(index + library) % paths.count], buildID: nil))
                    address += size
                }
                _ = try writer.snapshot(process: number, mappings: mappings)
                if index == 0 && round == 5 { query = (10_000, time, mappings[3].start + 16) }
            }
            try writer.endRound()
            round += 1
        }
        try writer.finish()
        return query
    }

    /// Peak resident memory, in kilobytes, of one run of `argv`.
    private func maxRSS(_ argv: [String]) throws -> Int { try ChildRun.spawn(argv).maxRSS }

    static func residentKilobytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }
}

/// Seconds with nine decimals, as the CLI takes them.
enum Decimal3 {
    static func seconds(_ nanoseconds: Int64) -> String {
        String(format: "%d.%09d", nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000)
    }
}
