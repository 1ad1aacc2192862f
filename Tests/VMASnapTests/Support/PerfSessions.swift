import Foundation
@testable import VMASnap

/// Short `perf record` sessions made during the tests, and what `perf script`
/// says about them: the oracle of the perf.data reader.
enum PerfSessions {
    static let perf = PerfEndToEndTests.perf

    /// A library whose `fixture_entry` the fixture spins in.
    static let library: String = (try? TestLibraries.build(name: "perfdata-spin", buildID: "ee11ee11ee11ee11", seed: 9)) ?? ""

    /// A directory of its own for one test.
    static func directory(_ name: String) throws -> URL {
        let directory = TestLibraries.directory.appendingPathComponent("perfdata-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Records the fixture spinning in `library` for `milliseconds` under
    /// `perf record OPTIONS`; with `pipe`, as `perf record -o -` into the
    /// file. Returns the perf.data path.
    static func record(_ name: String, options: [String], milliseconds: Int = 150, pipe: Bool = false,
                       command: [String]? = nil) throws -> String {
        let path = try directory(name).appendingPathComponent("perf.data").path
        let workload = command ?? [BuildProducts.fixture, "--script", "dlopen \(library); spin 0 \(milliseconds); dlclose 0"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perf)
        process.arguments = ["record", "-q"] + options + ["-o", pipe ? "-" : path, "--"] + workload
        let errors = Pipe()
        process.standardError = errors
        if pipe {
            FileManager.default.createFile(atPath: path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        // swift-testing runs this on a worker thread with nearly every signal
        // blocked, which the child inherits: perf would never see its
        // workload's SIGCHLD and, with -a (whose events never hang up),
        // record forever. Spawn it with none blocked.
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(command: "perf record \(options)", answer: String(decoding: message, as: UTF8.self))
        }
        return path
    }

    /// One sample as `perf script -F pid,tid,time,ip --ns -G` prints it.
    struct ScriptSample: Hashable, CustomStringConvertible {
        var pid: Int32
        var tid: Int32
        var time: Int64
        var ip: UInt64
        var description: String { "\(pid)/\(tid) \(time) \(String(ip, radix: 16))" }
    }

    /// perf script's samples of `path`, in its order.
    static func scriptSamples(_ path: String) throws -> [ScriptSample] {
        let result = try CommandResult.run(["script", "-i", path, "-F", "pid,tid,time,ip", "--ns", "-G"], executable: perf)
        return result.lines.compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, let slash = fields[0].firstIndex(of: "/"),
                let pid = Int32(fields[0][..<slash]), let tid = Int32(fields[0][fields[0].index(after: slash)...]),
                fields[1].hasSuffix(":"), let time = TimeText.parseSeconds(Array(fields[1].dropLast().utf8)),
                let ip = UInt64(fields[2], radix: 16)
            else { return nil }
            return ScriptSample(pid: pid, tid: tid, time: time, ip: ip)
        }
    }

    /// The samples the reader hands on, in its order.
    static func readerSamples(_ path: String) throws -> (samples: [ScriptSample], reader: PerfDataReader) {
        let reader = try PerfDataReader(path: path)
        var samples: [ScriptSample] = []
        try reader.forEachRecord { record in
            guard record.header.type == .sample else { return }
            let sample = try reader.events.decoders[record.event].sample(record.bytes)
            samples.append(ScriptSample(pid: sample.pid ?? -1, tid: sample.tid ?? -1, time: Int64(sample.time ?? 0), ip: sample.ip ?? 0))
        }
        return (samples, reader)
    }
}
