import Testing
import Foundation
@testable import VMASnap

/// The issue's "done when": a real `perf record -k CLOCK_MONOTONIC` session
/// with `vmasnap record` alongside, of a program that loads and unloads
/// libraries at shared addresses; every user-space sample that perf
/// attributes to a file mapping is resolved by `vmasnap lookup --perf-script`
/// and compared with perf's own MMAP2 records.
@Suite struct PerfEndToEndTests {
    static let perf = "/usr/bin/perf"

    /// Whether perf can record here (installed, and allowed to).
    static let perfWorks: Bool = {
        guard FileManager.default.isExecutableFile(atPath: perf) else { return false }
        let output = TestLibraries.directory.appendingPathComponent("probe.perf.data").path
        let result = try? CommandResult.run(["record", "-q", "-N", "-k", "CLOCK_MONOTONIC", "-o", output, "--", "/bin/true"], executable: perf)
        return result?.status == 0
    }()

    struct Comparison {
        var statuses: [String: Int] = [:]
        /// Samples perf attributes to a file, resolved to the same file and offset.
        var same = 0
        /// Samples perf attributes to a file, resolved otherwise, by status.
        var different: [String: Int] = [:]
        var report: String { "statuses \(statuses.sorted { $0.key < $1.key }), same file and offset \(same), different \(different)" }
    }

    /// Records `script` under perf under vmasnap, and compares.
    static func run(_ name: String, script: String) throws -> (sampleIPs: Comparison, callChainStatuses: [String: Int]) {
        try run(name, command: [BuildProducts.fixture, "--script", script], recorderOptions: ["--interval", "10ms"])
    }

    /// Records `command` under perf (with call chains) under `vmasnap record`
    /// with `recorderOptions`, and compares.
    static func run(_ name: String, command: [String], recorderOptions: [String])
        throws -> (sampleIPs: Comparison, callChainStatuses: [String: Int]) {
        let directory = TestLibraries.directory.appendingPathComponent("perf-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let maps = directory.appendingPathComponent("maps.vmasnap").path
        let perfData = directory.appendingPathComponent("perf.data").path
        let recorded = try CommandResult.run(["record", "-o", maps] + recorderOptions + [
            "--", perf, "record", "-q", "-N", "-B", "-g", "-k", "CLOCK_MONOTONIC", "-o", perfData, "--",
        ] + command)
        #expect(recorded.status == 0, "\(recorded.standardError)")

        let samples = try PerfSessions.script(["script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns", "-G"], executable: perf)
        let mmaps = try PerfSessions.script(["script", "-i", perfData, "--show-mmap-events", "-F", "pid,tid,time,ip", "--ns", "-G"], executable: perf)
        #expect(samples.status == 0 && mmaps.status == 0, "perf script: \(samples.standardError)\(mmaps.standardError)")
        let events = PerfMmapEvent.all(in: mmaps.standardOutput)
        let samplesFile = directory.appendingPathComponent("samples.txt").path
        try samples.standardOutput.write(toFile: samplesFile, atomically: false, encoding: .utf8)
        let lookup = try CommandResult.run(["lookup", maps, "--perf-script", "--json"], inputFile: samplesFile)
        #expect(lookup.status == 0, "\(lookup.standardError)")
        let sampleLines = samples.lines
        #expect(sampleLines.count == lookup.lines.count && sampleLines.count > 300)

        var comparison = Comparison()
        for (sample, answerLine) in zip(sampleLines, lookup.lines) {
            let fields = sample.split(whereSeparator: { $0 == " " })
            let pid = Int32(fields[0].split(separator: "/")[0])!
            let time = TimeText.parseSeconds(Array(fields[1].dropLast().utf8))!
            let address = AddressText.parse(String(fields[2]))!
            let answer = try JSONSerialization.jsonObject(with: Data(answerLine.utf8)) as! [String: Any]
            let status = answer["status"] as! String
            #expect(answer["address"] as? String == AddressText.format(address))
            comparison.statuses[status, default: 0] += 1
            guard address < ResolutionStatus.kernelAddressStart else {
                #expect(status == "kernel")
                continue
            }
            let perfAnswer = PerfMmapEvent.answer(events, pid: pid, time: time, address: address)
            let path = answer["path"] as? String
            let offset = (answer["file_offset"] as? String).flatMap(AddressText.parse)
            if status == "exact" {
                // "exact" is never wrong: it agrees with perf wherever perf has a file.
                if let perfAnswer {
                    #expect(path == perfAnswer.path && offset == address - perfAnswer.start + perfAnswer.pageOffset, "\(sample) \(answerLine)")
                }
            }
            guard let perfAnswer else { continue }
            if path == perfAnswer.path && offset == address - perfAnswer.start + perfAnswer.pageOffset {
                comparison.same += 1
            } else {
                comparison.different[status, default: 0] += 1
            }
        }

        // With call chains, perf 6.1 prints user-space frames as offsets:
        // none may be resolved as if it were an address.
        let chains = try PerfSessions.script(["script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns"], executable: perf)
        let chainsFile = directory.appendingPathComponent("chains.txt").path
        try chains.standardOutput.write(toFile: chainsFile, atomically: false, encoding: .utf8)
        let chainLookup = try CommandResult.run(["lookup", maps, "--perf-script"], inputFile: chainsFile)
        #expect(chainLookup.status == 0)
        var chainStatuses: [String: Int] = [:]
        for line in chainLookup.lines { chainStatuses[String(line.split(separator: " ")[3]), default: 0] += 1 }
        return (comparison, chainStatuses)
    }

    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func librariesAtSharedAddressesWithPauses() throws {
        let a = try TestLibraries.build(name: "perf-a", buildID: "aaaa0000aaaa0000", seed: 5)
        let b = try TestLibraries.build(name: "perf-b", buildID: "bbbb0000bbbb0000bbbb0000", seed: 6, padding: 40)
        // A pause after each dlclose lets a snapshot see the hole, so every
        // sample can be answered: exact, or flagged with the right file.
        let script = "sleep 50; dlopen \(a); spin 0 300; dlclose 0; sleep 50; dlopen \(b); spin 0 300; dlclose 0; sleep 50; "
            + "dlopen \(a); spin 0 300; dlclose 0"
        let (comparison, chains) = try PerfEndToEndTests.run("pauses", script: script)
        print("perf end to end, with pauses: \(comparison.report); call-chain lines \(chains.sorted { $0.key < $1.key })")
        #expect(comparison.different.isEmpty)
        #expect(comparison.statuses["exact", default: 0] > 200)
        #expect(chains.keys.allSatisfy { ["relative", "kernel", "unmapped"].contains($0) })
        #expect(chains["relative", default: 0] > 200)
    }

    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func librariesReplacedBackToBack() throws {
        let a = try TestLibraries.build(name: "perf-c", buildID: "cccc0000cccc0000", seed: 7)
        let b = try TestLibraries.build(name: "perf-d", buildID: "dddd0000dddd0000dddd0000", seed: 8, padding: 40)
        // The brief's script: dlclose and the next dlopen microseconds apart,
        // too close for any snapshot to fall between them.
        let script = "dlopen \(a); spin 0 300; dlclose 0; dlopen \(b); spin 0 300; dlclose 0; dlopen \(a); spin 0 300; dlclose 0"
        let (comparison, _) = try PerfEndToEndTests.run("back-to-back", script: script)
        print("perf end to end, back to back: \(comparison.report)")
        // Samples of the new library before the first snapshot that saw it
        // can only be answered from the old one, flagged unloaded-between;
        // nothing else may differ.
        #expect(comparison.different.keys.allSatisfy { $0 == "unloaded-between" })
        #expect(comparison.statuses["exact", default: 0] > 200)
    }

    /// The issue's build workload, smaller: `make -j2` compiling and linking
    /// 8 C programs (make, sh, cc, cc1, as, collect2, ld: each lives tens of
    /// milliseconds) under perf, recorded at the default settings. Every
    /// sampled process is in the recording (no `unknown-pid`), no `exact`
    /// answer differs from perf's (checked sample by sample in `run`), and
    /// nearly every sample gets perf's file and offset: the Done-when's 99%
    /// is `Scripts/bench --only done-when`'s, 95% here, where the suite runs
    /// beside other tests (the issue measured 30% without events).
    @Test(.enabled(if: PerfEndToEndTests.perfWorks && FileManager.default.isExecutableFile(atPath: "/usr/bin/make")))
    func aBuildOfSmallProgramsIsRecordedAsPerfSawIt() throws {
        let project = TestLibraries.directory.appendingPathComponent("make-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let programs = (0..<8).map { "program\($0)" }
        try ("PROGRAMS := \(programs.joined(separator: " "))\nall: $(PROGRAMS)\n%: %.c\n\tcc -O2 -o $@ $<\n")
            .write(to: project.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        for (index, program) in programs.enumerated() {
            var source = "#include <stdio.h>\n"
            for function in 0..<12 {
                source += "static unsigned long step\(function)(unsigned long x) { for (int i = 0; i < \(function + 3); i++) "
                    + "x = x * \(index * 13 + function + 7)ul + (x >> \(function % 7 + 1)); return x ^ \(function * 977 + index); }\n"
            }
            source += "int main(int argc, char **argv) { unsigned long x = (unsigned long)argc;\n"
            for function in 0..<12 { source += "    x = step\(function)(x);\n" }
            source += "    printf(\"%lu\\n\", x); return 0; }\n"
            try source.write(to: project.appendingPathComponent("\(program).c"), atomically: true, encoding: .utf8)
        }
        let (comparison, _) = try PerfEndToEndTests.run("make", command: ["/usr/bin/make", "-s", "-j2", "-C", project.path],
                                                        recorderOptions: [])
        print("perf end to end, make -j2: \(comparison.report)")
        let attributed = comparison.same + comparison.different.values.reduce(0, +)
        #expect(comparison.statuses["unknown-pid", default: 0] == 0, "\(comparison.report)")
        #expect(attributed > 300 && Double(comparison.same) >= 0.95 * Double(attributed), "\(comparison.report)")
    }
}
