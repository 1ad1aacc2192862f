import CZstd
import Foundation
import SystemPackage
import VMASnap

/// 3e: what a recording costs on disk, measured by writing real captures
/// with the real writer, against perf's own MMAP2 records and zstd of the
/// /proc/PID/maps text for the same process.
struct FileSizeBenchmark {
    struct Result {
        var mappings = 0
        var unchanged100Hz = 0.0
        var unchanged10Hz = 0.0
        var allProcesses = 0
        var unchangedAllProcesses = 0.0
        var firstKeyframePerMapping = 0.0
        var periodicKeyframePerMapping = 0.0
        var allFirstRoundPerMapping = 0.0
        var allMappings = 0
        var perfMMAP2Bytes = 0
        var perfMMAP2Records = 0
        var mapsText = 0
        var mapsTextZstd = 0
        var executableLinesZstd = 0
        var keyframeBytes = 0
    }

    let fixture: String
    let mappedFile: String

    func run() throws -> Result {
        var result = Result()
        let target = try TargetProcess(fixture: fixture, anonymous: 1000, executable: 100, mappedFile: mappedFile)
        let mappings = try IoctlCapture(pid: target.pid).capture()
        result.mappings = mappings.count
        let identity = ProcessStat.read(pid: target.pid)!.identity
        let process = RecordedProcess(identity: identity, parentPID: 1, command: Array("vmasnap-fixture".utf8), executable: nil)

        // Unchanged snapshots, one process, at 100 Hz and 10 Hz (flushes once a second).
        result.unchanged100Hz = try unchangedCost(processes: [(process, mappings)], interval: 10_000_000, rounds: 3000)
        result.unchanged10Hz = try unchangedCost(processes: [(process, mappings)], interval: 100_000_000, rounds: 600)

        // Keyframes: the first (paths, build IDs and files defined in it) and a periodic one.
        let (first, periodic) = try keyframeCosts(process: process, mappings: mappings)
        result.firstKeyframePerMapping = first
        result.periodicKeyframePerMapping = periodic
        result.keyframeBytes = Int(periodic * Double(mappings.count - 1))

        // Every process of this machine, as `record -a` sees it.
        var everyone: [(RecordedProcess, [ExecutableMapping])] = []
        for pid in try allPIDs() {
            guard let stat = ProcessStat.read(pid: pid), let walk = try? IoctlCapture(pid: pid).capture(), !walk.isEmpty else { continue }
            everyone.append((RecordedProcess(identity: stat.identity, parentPID: stat.parentPID, command: stat.command, executable: nil), walk))
        }
        result.allProcesses = everyone.count
        result.allMappings = everyone.reduce(0) { $0 + $1.1.count }
        result.unchangedAllProcesses = try unchangedCost(processes: everyone, interval: 1_000_000_000, rounds: 120)
        result.allFirstRoundPerMapping = try Double(firstRoundBytes(processes: everyone)) / Double(result.allMappings)

        // perf's own records for the same process, synthesized at start.
        let perfData = NSTemporaryDirectory() + "vmasnap-bench-perf.data"
        let perf = Process()
        perf.executableURL = URL(fileURLWithPath: "/usr/bin/perf")
        perf.arguments = ["record", "-q", "-p", "\(target.pid)", "-o", perfData, "--", "sleep", "0.2"]
        perf.standardError = FileHandle.nullDevice
        perf.standardOutput = FileHandle.nullDevice
        try perf.run()
        perf.waitUntilExit()
        (result.perfMMAP2Bytes, result.perfMMAP2Records) = try PerfDataFile.mmap2Bytes(path: perfData, pid: target.pid)

        // zstd of the maps text, all of it and the executable file-backed lines alone.
        let text = try [UInt8](FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(target.pid)/maps")).readToEnd() ?? Data())
        result.mapsText = text.count
        result.mapsTextZstd = zstdSize(text)
        let executableLines = String(decoding: text, as: UTF8.self).split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 5 && fields[1].dropFirst(2).first == "x" && fields[4] != "0"
        }.joined(separator: "\n")
        result.executableLinesZstd = zstdSize(Array(executableLines.utf8))
        return result
    }

    /// Bytes of file per unchanged snapshot: the growth over `rounds` rounds
    /// after the first, divided by the snapshots they hold.
    private func unchangedCost(processes: [(RecordedProcess, [ExecutableMapping])], interval: Int64, rounds: Int) throws -> Double {
        let (fd, path) = try temporaryFile()
        defer { close(fd); unlink(path) }
        let header = RecordingHeader.current(options: "bench", backend: .ioctl, start: 0)
        let writer = try RecordingWriter(descriptor: FileDescriptor(rawValue: fd), header: header)
        var time: Int64 = 1_000_000
        try writer.beginRound(time: time)
        var numbers: [Int] = []
        for (process, walk) in processes {
            let number = try writer.processSeen(process)
            numbers.append(number)
            _ = try writer.snapshot(process: number, mappings: walk)
        }
        try writer.endRound()
        try writer.flush()
        let before = lseek(fd, 0, SEEK_END)
        for _ in 0..<rounds {
            time += interval
            try writer.beginRound(time: time)
            for (number, (_, walk)) in zip(numbers, processes) { _ = try writer.snapshot(process: number, mappings: walk) }
            try writer.endRound()
        }
        try writer.flush()
        let after = lseek(fd, 0, SEEK_END)
        return Double(after - before) / Double(rounds * processes.count)
    }

    /// Bytes per mapping of a process's first keyframe (definitions included)
    /// and of a later keyframe (definitions already in the file).
    private func keyframeCosts(process: RecordedProcess, mappings: [ExecutableMapping]) throws -> (Double, Double) {
        let (fd, path) = try temporaryFile()
        defer { close(fd); unlink(path) }
        // A keyframe interval of 0: every change is written as a keyframe.
        let header = RecordingHeader.current(options: "bench", backend: .ioctl, keyframeInterval: 0, start: 0)
        let writer = try RecordingWriter(descriptor: FileDescriptor(rawValue: fd), header: header)
        let start = lseek(fd, 0, SEEK_END)
        try writer.beginRound(time: 1_000_000)
        let number = try writer.processSeen(process)
        _ = try writer.snapshot(process: number, mappings: mappings)
        try writer.endRound()
        try writer.flush()
        let first = lseek(fd, 0, SEEK_END)
        try writer.beginRound(time: 2_000_000_000)
        let outcome = try writer.snapshot(process: number, mappings: Array(mappings.dropLast()))
        guard outcome == .keyframe else { throw BenchmarkError("expected a keyframe, got \(outcome)") }
        try writer.endRound()
        try writer.flush()
        let second = lseek(fd, 0, SEEK_END)
        return (Double(first - start) / Double(mappings.count), Double(second - first) / Double(mappings.count - 1))
    }

    private func firstRoundBytes(processes: [(RecordedProcess, [ExecutableMapping])]) throws -> Int {
        let (fd, path) = try temporaryFile()
        defer { close(fd); unlink(path) }
        let writer = try RecordingWriter(descriptor: FileDescriptor(rawValue: fd), header: RecordingHeader.current(options: "bench", backend: .ioctl, start: 0))
        let start = lseek(fd, 0, SEEK_END)
        try writer.beginRound(time: 1_000_000)
        for (process, walk) in processes { _ = try writer.snapshot(process: try writer.processSeen(process), mappings: walk) }
        try writer.endRound()
        try writer.flush()
        return Int(lseek(fd, 0, SEEK_END) - start)
    }

    private func temporaryFile() throws -> (Int32, String) {
        var template = Array((NSTemporaryDirectory() + "vmasnap-bench-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw BenchmarkError("cannot create a temporary file") }
        return (fd, String(cString: template))
    }

    private func allPIDs() throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { Int32($0) }.sorted()
    }

    private func zstdSize(_ bytes: [UInt8]) -> Int {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let size = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { input in ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, 3) }
        }
        return ZSTD_isError(size) != 0 ? -1 : size
    }
}
