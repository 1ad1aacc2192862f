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
        let errors = path + ".stderr"
        // -N: no build-ID cache (~/.debug stays as it was); -B: no build-ID
        // pass at the end of the session. No test reads perf's build IDs.
        let status = try spawn([perf, "record", "-q", "-N", "-B"] + options + ["-o", pipe ? "-" : path, "--"] + workload,
                               standardOutput: pipe ? path : "/dev/null", standardError: errors)
        guard status == 0 else {
            throw FixtureError(command: "perf record \(options)", answer: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
        }
        return path
    }

    /// Runs `argv` to completion with its output in files; its exit status.
    ///
    /// The test runner's threads block every signal (libdispatch's do), and
    /// a child inherits the mask: `perf record -a` then never sees its
    /// workload's SIGCHLD and never stops. The child gets an empty mask here.
    static func spawn(_ argv: [String], standardOutput: String, standardError: String) throws -> Int32 {
        var pid: pid_t = 0
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        guard posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ) == 0 else {
            throw FixtureError(command: argv.joined(separator: " "), answer: "cannot start")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// One sample as `perf script -F pid,tid,time,ip --ns -G` prints it.
    struct ScriptSample: Hashable, CustomStringConvertible {
        var pid: Int32
        var tid: Int32
        var time: Int64
        var ip: UInt64
        var description: String { "\(pid)/\(tid) \(time) \(String(ip, radix: 16))" }
    }

    /// `perf` with `arguments` (a `perf script`), to completion. A failure
    /// is the test's: perf's stderr stays in the result for its message.
    static func script(_ arguments: [String], executable: String = PerfEndToEndTests.perf) throws -> CommandResult {
        try CommandResult.run(arguments, executable: executable)
    }

    /// perf script's samples of `path`, in its order.
    static func scriptSamples(_ path: String) throws -> [ScriptSample] {
        let result = try PerfSessions.script(["script", "-i", path, "-F", "pid,tid,time,ip", "--ns", "-G"], executable: perf)
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
