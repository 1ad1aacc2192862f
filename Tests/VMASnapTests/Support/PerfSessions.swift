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
        // -N: no build-ID cache; -B: no build-ID pass at the end of the
        // session. perf 6.1 updates ~/.debug and walks its DSOs' notes then,
        // and sessions running at once abort it ("assertion failed at
        // util/build-id.c:1010"). No test reads perf's build IDs from a live session.
        let status = try spawn([perf, "record", "-q", "-N", "-B"] + options + ["-o", pipe ? "-" : path, "--"] + workload,
                               standardOutput: pipe ? path : "/dev/null", standardError: errors)
        guard status == 0 else {
            throw FixtureError(command: "perf record \(options)", answer: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
        }
        return path
    }

    /// Runs `vmasnap ARGUMENTS` (a `record … -- perf record … -o perfData
    /// …`) until perf, the oracle, gives a usable session: at most three
    /// times. perf 6.1 itself sometimes aborts or records almost nothing on
    /// a loaded machine; a failure of vmasnap's own (a `vmasnap:` line) is
    /// never retried, and the last result is returned whatever it is.
    static func recordUnderPerf(_ arguments: [String], perfData: String, minimumSamples: Int = 300) throws -> CommandResult {
        var result = try CommandResult.run(arguments)
        for attempt in 2...3 {
            if result.standardError.split(separator: "\n").contains(where: { $0.hasPrefix("vmasnap:") }) { return result }
            // perf 6.1 may abort reading back a file it wrote, every time for that file.
            let readBack = try CommandResult.run(["script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns", "-G"], executable: perf)
            let readable = result.status == 0 && readBack.status == 0
            let samples = readable ? try scriptSamples(perfData).count : 0
            if readable && samples > minimumSamples { return result }
            let reason = readBack.standardError.split(separator: "\n").last(where: { !$0.isEmpty }) ?? ""
            print("perf session \(attempt - 1) unusable (status \(result.status), \(samples) samples; perf script status \(readBack.status), \(reason)): trying again")
            result = try CommandResult.run(arguments)
        }
        return result
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

    /// `perf` with `arguments` (a `perf script`), run again, up to three
    /// times in all, while it fails: perf 6.1 sometimes aborts reading its
    /// file back (SIGABRT in util/build-id.c), leaving its output cut off
    /// in the middle of a line. (For some files it aborts every time: the
    /// sessions `recordUnderPerf` makes are recorded again then.)
    static func script(_ arguments: [String], executable: String = PerfEndToEndTests.perf) throws -> CommandResult {
        var result = try CommandResult.run(arguments, executable: executable)
        for attempt in 2...3 where result.status != 0 {
            let reason = result.standardError.split(separator: "\n").last(where: { !$0.isEmpty }) ?? ""
            print("perf script \(attempt - 1) failed (status \(result.status), \(reason)): running it again")
            result = try CommandResult.run(arguments, executable: executable)
        }
        return result
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
