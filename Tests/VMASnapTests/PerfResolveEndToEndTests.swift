import Foundation
import Testing
@testable import VMASnap

/// The issue's "done when": a `perf record -g` session of a program that
/// loads and unloads libraries at shared addresses, recorded with vmasnap
/// alongside, once with `-k CLOCK_MONOTONIC` and once with perf's default
/// clock. `vmasnap perf-resolve` must resolve every user-space frame that
/// perf's own records attribute to a file mapping to the same file and
/// offset (at least 99.5% of them, none `exact` and wrong), and `--compare`
/// must account for every difference.
///
/// The oracles are perf's: `perf script`'s frames (perf 6.1 prints a
/// user-space frame it attributes to a file as its offset in that file) and
/// its MMAP2 records (`--show-mmap-events`), which must agree with each other.
@Suite(.serialized) struct PerfResolveEndToEndTests {
    /// One frame as `perf script -F pid,tid,time,ip,dso` prints it.
    struct ScriptFrame {
        var value: UInt64
        var dso: String
        var isFile: Bool { dso.hasPrefix("/") }
    }

    struct ScriptSample {
        var pid: Int32
        var tid: Int32
        var time: Int64
        var frames: [ScriptFrame]
    }

    /// perf script's samples and their frames.
    static func scriptSamples(_ path: String) throws -> [ScriptSample] {
        let result = try PerfSessions.script(["script", "-i", path, "-F", "pid,tid,time,ip,dso", "--ns"], executable: PerfSessions.perf)
        return parseScript(result.standardOutput)
    }

    /// Parses `perf script -F pid,tid,time,ip,dso --ns` text.
    static func parseScript(_ text: String) -> [ScriptSample] {
        var samples: [ScriptSample] = []
        func frame(_ text: Substring) -> ScriptFrame? {
            let parts = text.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let value = UInt64(parts[0], radix: 16), parts[1].hasPrefix("("), parts[1].hasSuffix(")") else { return nil }
            return ScriptFrame(value: value, dso: String(parts[1].dropFirst().dropLast()))
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("\t") {
                if let parsed = frame(line.drop { $0 == "\t" || $0 == " " }) { samples[samples.count - 1].frames.append(parsed) }
                continue
            }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count >= 2, let slash = fields[0].firstIndex(of: "/"), let pid = Int32(fields[0][..<slash]),
                let tid = Int32(fields[0][fields[0].index(after: slash)...]),
                let time = TimeText.parseSeconds(Array(fields[1].dropLast().utf8))
            else { continue }
            var sample = ScriptSample(pid: pid, tid: tid, time: time, frames: [])
            if fields.count == 3, let parsed = frame(fields[2].drop { $0 == " " }) { sample.frames.append(parsed) }
            samples.append(sample)
        }
        return samples
    }

    struct Figures: CustomStringConvertible {
        var samples = 0
        var frames = 0
        var perfFileFrames = 0
        var same = 0
        var exactWrong = 0
        var differentByStatus: [String: Int] = [:]
        var frameCountMismatches = 0
        var mmapOracleDisagreements = 0
        var statuses: [String: Int] = [:]
        var compare: [String: Any] = [:]
        var perfData = ""
        var recording = ""
        var standardError = ""
        var description: String {
            "\(samples) samples, \(frames) frames; perf attributes \(perfFileFrames) to a file, \(same) resolve to the same file and offset "
                + "(\(String(format: "%.2f", 100 * Double(same) / Double(max(perfFileFrames, 1))))%); exact and wrong \(exactWrong); "
                + "different \(differentByStatus); statuses \(statuses.sorted { $0.key < $1.key }); compare causes \(compare["causes"] ?? [:])"
        }
    }

    /// Records `script` under perf (with `perfOptions`) under vmasnap, then
    /// sets perf-resolve's answers beside perf's.
    static func run(_ name: String, script: String, perfOptions: [String], recorderOptions: [String] = []) throws -> Figures {
        let directory = try PerfSessions.directory(name)
        let maps = directory.appendingPathComponent("maps.vmasnap").path
        let perfData = directory.appendingPathComponent("perf.data").path
        let recorded = try CommandResult.run([
            "record", "-o", maps, "--interval", "10ms"] + recorderOptions + ["--",
            // -N -B: no build-ID cache or pass (these tests use neither).
            PerfSessions.perf, "record", "-q", "-N", "-B", "-g"] + perfOptions + ["-o", perfData, "--", BuildProducts.fixture, "--script", script])
        #expect(recorded.status == 0, "\(recorded.standardError)")
        let resolved = try CommandResult.run(["perf-resolve", perfData, maps, "--json"])
        #expect(resolved.status == 0, "\(resolved.standardError)")
        let compared = try CommandResult.run(["perf-resolve", perfData, maps, "--compare", "--json"])
        #expect(compared.status == 0, "\(compared.standardError)")
        let expected = try scriptSamples(perfData)
        let mmaps = PerfMmapEvent.all(in: try PerfSessions.script(
            ["script", "-i", perfData, "--show-mmap-events", "-F", "pid,tid,time,ip", "--ns", "-G"], executable: PerfSessions.perf).standardOutput)

        var figures = try compare(expected, resolved.lines, mmaps: mmaps)
        #expect(figures.samples == expected.count && expected.count > 300, "\(name): \(figures.samples) vs \(expected.count) samples")
        figures.perfData = perfData
        figures.recording = maps
        figures.standardError = resolved.standardError
        figures.compare = try JSONSerialization.jsonObject(with: Data(compared.standardOutput.utf8)) as! [String: Any]
        return figures
    }

    /// perf-resolve's JSON lines set beside perf script's samples (and perf's MMAP2 records, when given).
    static func compare(_ expected: [ScriptSample], _ lines: [String], mmaps: [PerfMmapEvent]?) throws -> Figures {
        var figures = Figures()
        let answers = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(answers.count == expected.count)
        figures.samples = answers.count
        for (sample, answer) in zip(expected, answers) {
            #expect(answer["pid"] as? Int == Int(sample.pid) && answer["tid"] as? Int == Int(sample.tid))
            let frames = answer["frames"] as! [[String: Any]]
            guard frames.count == sample.frames.count else {
                figures.frameCountMismatches += 1
                continue
            }
            for (frame, perfFrame) in zip(frames, sample.frames) {
                figures.frames += 1
                let status = frame["status"] as! String
                figures.statuses[status, default: 0] += 1
                let address = AddressText.parse(frame["address"] as! String)!
                guard perfFrame.isFile else {
                    if perfFrame.dso == "[kernel.kallsyms]" { #expect(status == "kernel") }
                    continue
                }
                figures.perfFileFrames += 1
                // The second oracle: perf's MMAP2 records say the same.
                if let mmaps, let event = PerfMmapEvent.answer(mmaps, pid: sample.pid, time: sample.time, address: address) {
                    if event.path != perfFrame.dso || address - event.start + event.pageOffset != perfFrame.value {
                        figures.mmapOracleDisagreements += 1
                    }
                }
                let path = frame["path"] as? String
                let offset = (frame["file_offset"] as? String).flatMap(AddressText.parse)
                if path == perfFrame.dso && offset == perfFrame.value {
                    figures.same += 1
                } else {
                    figures.differentByStatus[status, default: 0] += 1
                    if status == "exact" { figures.exactWrong += 1 }
                }
            }
        }
        return figures
    }

    static let libraries: (String, String) = {
        (try! TestLibraries.build(name: "resolve-a", buildID: "a0a0a0a0a0a0a0a0", seed: 11),
         try! TestLibraries.build(name: "resolve-b", buildID: "b0b0b0b0b0b0b0b0b0b0", seed: 12, padding: 40))
    }()

    /// Libraries at shared addresses, a pause after each dlclose: 100 ms,
    /// ten snapshot intervals, so that a snapshot falls in it even on a
    /// loaded machine (with 40 ms, one run in about ten under a load of 10
    /// saw a swap without a snapshot between; backToBackSwapsAreExplained
    /// covers swaps with none).
    static var pausesScript: String {
        let (a, b) = libraries
        return "sleep 100; dlopen \(a); spin 0 250; dlclose 0; sleep 100; dlopen \(b); spin 0 250; dlclose 0; sleep 100; "
            + "dlopen \(a); spin 0 250; dlclose 0"
    }

    static func check(_ figures: Figures, _ name: String) {
        print("perf-resolve \(name): \(figures)")
        #expect(figures.frameCountMismatches == 0)
        #expect(figures.mmapOracleDisagreements == 0)
        #expect(figures.perfFileFrames > 1000)
        #expect(Double(figures.same) >= 0.995 * Double(figures.perfFileFrames), "\(name): \(figures)")
        #expect(figures.exactWrong == 0)
        // --compare counts the same frames perf attributes to files, and accounts for every difference.
        let compare = figures.compare
        #expect(compare["perf_file_frames"] as? Int == figures.perfFileFrames)
        #expect(compare["same_file_and_offset"] as? Int == figures.same)
        let causes = compare["causes"] as? [String: Int] ?? [:]
        #expect(causes.values.reduce(0, +) == compare["different_frames"] as? Int)
        #expect(causes["exact-disagrees"] == nil)
    }

    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func monotonicClock() throws {
        Self.check(try Self.run("monotonic", script: Self.pausesScript, perfOptions: ["-k", "CLOCK_MONOTONIC"]), "-k CLOCK_MONOTONIC")
    }

    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func perfDefaultClock() throws {
        let figures = try Self.run("perf-clock", script: Self.pausesScript, perfOptions: [])
        Self.check(figures, "perf's default clock")
        // It says that it converted, and with what.
        #expect(figures.standardError.contains("its times were converted with the recording's 2 measurements"))

        // Without the measurements, the data alone brackets the offset.
        let reader = try RecordingReader(path: figures.recording)
        let measured = try #require(reader.header.perfClock)
        let histories = try reader.histories()
        let loads = try PerfClockEstimate.loads(in: try PerfDataReader(path: figures.perfData))
        let estimate = try #require(PerfClockEstimate.estimate(loads: loads) { pid in histories.filter { $0.process.identity.pid == pid } })
        print("perf clock estimate from the data: \(estimate.offset) ns in \(estimate.range) from \(estimate.agreeing) of "
              + "\(estimate.matched) loads; measured \(measured.offset) ns")
        // With kernel events a load is dated at its MMAP2's own time, the
        // bracket's very edge; the kernel stamps perf's record and the
        // recorder's separately, microseconds apart under load.
        let skew: Int64 = 50_000
        #expect((estimate.range.lowerBound - skew...estimate.range.upperBound + skew).contains(measured.offset))
        #expect(estimate.range.upperBound - estimate.range.lowerBound <= 40_000_000)

        // A wrong --clock-offset moves every lookup: the answers change.
        let shifted = try CommandResult.run(["perf-resolve", figures.perfData, figures.recording, "--clock-offset", "+30"])
        #expect(shifted.status == 0)
        #expect(shifted.standardError.contains("converted with --clock-offset +30.000000000 s"))
        #expect(shifted.standardError.contains("after-exit") && !shifted.standardError.contains(" exact"))

        // A recording without measurements (format 1.0), of other processes: a clear warning.
        let old = GoldenFileTests.directory.appendingPathComponent("clean-1.0.vmasnap").path
        let unmeasured = try CommandResult.run(["perf-resolve", figures.perfData, old])
        #expect(unmeasured.status == 0)
        #expect(unmeasured.standardError.contains("the recording has no measurement of it"))
        #expect(unmeasured.standardError.contains("-k CLOCK_MONOTONIC"))
    }

    /// dlclose and the next dlopen microseconds apart, too close for a
    /// snapshot between: the frames of the new library before the first
    /// snapshot that saw it are answered from the old one, flagged, and
    /// --compare says why.
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func backToBackSwapsAreExplained() throws {
        let (a, b) = Self.libraries
        let script = "dlopen \(a); spin 0 250; dlclose 0; dlopen \(b); spin 0 250; dlclose 0; dlopen \(a); spin 0 250; dlclose 0"
        // Walks alone: kernel events date the new library's mmap, and the
        // frames in between are then explained otherwise.
        let figures = try Self.run("back-to-back", script: script, perfOptions: [], recorderOptions: ["--events", "off"])
        print("perf-resolve back to back: \(figures)")
        #expect(figures.exactWrong == 0)
        #expect(figures.frameCountMismatches == 0)
        #expect(figures.differentByStatus.keys.allSatisfy { ["unloaded-between", "loaded-between"].contains($0) })
        let causes = figures.compare["causes"] as? [String: Int] ?? [:]
        #expect(causes.values.reduce(0, +) == figures.compare["different_frames"] as? Int)
        #expect(causes.keys.allSatisfy { $0 == "changed-between-snapshots" })
    }
}

extension PerfResolveEndToEndTests {
    /// `perf record -p` of a process whose maps perf cannot read within
    /// --proc-map-timeout: perf's start-up synthesis stops part way (and
    /// marks its last MMAP2 so), so perf's records have no mapping for the
    /// library the process spins in. The recording has it: every such frame
    /// is exact there, and --compare says why perf has none.
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func mappingsPerfsSynthesisTimedOutOnAreExplained() throws {
        let (library, _) = Self.libraries
        let fixture = try FixtureProcess()
        try fixture.send("dlopen \(library)")
        // 60,000 VMAs below the library (mmap allocates top-down): perf reads
        // /proc/PID/maps in address order and gives up before reaching it.
        try fixture.send("anon 60000")
        let directory = try PerfSessions.directory("synthesis-timeout")
        let maps = directory.appendingPathComponent("maps.vmasnap").path
        let perfData = directory.appendingPathComponent("perf.data").path
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", maps])
        #expect(eventually { fileSize(maps) != nil })
        usleep(100_000)
        // Longer than perf's session, however slowly perf starts on a loaded
        // machine (the fixture is killed at the end).
        fixture.sendWithoutAnswer("spin 0 5000")
        let status = try PerfSessions.spawn(
            [PerfSessions.perf, "record", "-N", "-B", "-g", "--proc-map-timeout", "1", "-p", "\(fixture.pid)", "-o", perfData,
             "--", "/bin/sleep", "0.8"],
            standardOutput: "/dev/null", standardError: perfData + ".stderr")
        #expect(status == 0)
        recorder.signal(SIGINT)
        #expect(recorder.finish().status == 0)
        let perfSaid = (try? String(contentsOfFile: perfData + ".stderr", encoding: .utf8)) ?? ""
        #expect(perfSaid.contains("--proc-map-timeout"), "perf: \(perfSaid)")

        let compared = try CommandResult.run(["perf-resolve", perfData, maps, "--compare", "--json"])
        #expect(compared.status == 0, "\(compared.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(compared.standardOutput.utf8)) as! [String: Any]
        let causes = report["causes"] as? [String: Int] ?? [:]
        let timedOut = causes["perf-synthesis-timed-out"] ?? 0
        print("perf-resolve --compare after perf's synthesis timed out: \(report["frames"] ?? 0) frames, causes \(causes)")
        #expect(timedOut > 100)
        #expect(causes["perf-has-no-record"] == nil && causes["exact-disagrees"] == nil)
        // The recording answers them: exact frames perf has no file for.
        let exact = (report["by_status"] as? [String: [String: Int]])?["exact"] ?? [:]
        #expect((exact["perf_no_file"] ?? 0) >= timedOut / 2)
        let first = (report["first_differences"] as? [[String: Any]])?.first
        #expect(first?["cause"] as? String == "perf-synthesis-timed-out")
        #expect((first?["path"] as? String)?.hasSuffix(".so") == true)
    }
}
