import Foundation
import Testing
@testable import VMASnap

/// `lookup --symbols`, `--folded` and `--time-unit` against a real
/// recording of the fixture with libraries it dlopen'ed: one with DWARF and
/// inlined functions, a C++ one, a stripped one whose debug file is in a
/// `--debug-dir` tree, one replaced on disk after the recording (its samples
/// must not be named from the new file) and one deleted. Names, offsets,
/// files and lines are compared with llvm-symbolizer on the same file offsets.
@Suite struct SymbolsCommandTests {
    struct Library {
        var path: String
        var loaded: FixtureProcess.LoadedLibrary
    }

    struct Scenario {
        var recording: String
        var pid: Int32
        /// When every library was loaded (CLOCK_MONOTONIC ns): the time to ask about.
        var time: Int64
        var inlined: Library
        var cxx: Library
        var stripped: Library
        var replaced: Library
        var deleted: Library
        var debugDirectory: String
        /// The file the recording's mapping of `replaced` was, copied before it was replaced.
        var replacedOriginal: String
    }

    static let scenario = Result<Scenario, Error> {
        let directory = TestLibraries.directory.appendingPathComponent("symbols-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let library = path("symlib.c")
        try SymbolTestFiles.librarySource.write(toFile: library, atomically: true, encoding: .utf8)
        let cxxSource = path("symcxx.cpp")
        try SymbolTestFiles.cxxSource.write(toFile: cxxSource, atomically: true, encoding: .utf8)
        let cc = TestLibraries.compiler
        func build(_ name: String, _ id: String, extra: [String] = []) throws -> String {
            try TestLibraries.run(cc, ["-O2", "-g", "-shared", "-fPIC", "-o", path(name), library, "-Wl,--build-id=0x\(id)"] + extra)
            return path(name)
        }
        let inlined = try build("libinl.so", "c0c0c001")
        let replaced = try build("libreplaced.so", "c0c0c002")
        let deleted = try build("libdeleted.so", "c0c0c003")
        let stripped = try build("libstripped.so", "c0c0c0040004")
        let debugDirectory = path("debug")
        try FileManager.default.createDirectory(atPath: debugDirectory + "/.build-id/c0", withIntermediateDirectories: true)
        try TestLibraries.run("/usr/bin/objcopy", ["--only-keep-debug", stripped, debugDirectory + "/.build-id/c0/c0c0040004.debug"])
        try TestLibraries.run("/usr/bin/strip", ["--strip-all", stripped])
        let cxx = path("libcxx.so")
        try TestLibraries.run("/usr/bin/g++", ["-O2", "-g", "-shared", "-fPIC", "-o", cxx, cxxSource, "-Wl,--build-id=0xc0c0c005"])

        let recording = path("symbols.vmasnap")
        let fixture = try FixtureProcess(
            executable: BuildProducts.vmasnap,
            arguments: ["record", "-o", recording, "--interval", "10ms", "--", BuildProducts.fixture])
        let pid = Int32(try fixture.send("ping")[0])!
        var loaded: [FixtureProcess.LoadedLibrary] = []
        for file in [inlined, cxx, stripped, replaced, deleted] { loaded.append(try fixture.dlopen(file)) }
        let time = LookupRecordingTests.now() + 75_000_000
        try fixture.send("sleep 150")
        fixture.sendWithoutAnswer("exit")
        fixture.process.waitUntilExit()

        // After the recording: one library is rebuilt in place (another build
        // ID, other code), one deleted.
        let original = path("libreplaced.original.so")
        try FileManager.default.copyItem(atPath: replaced, toPath: original)
        try FileManager.default.removeItem(atPath: replaced)
        try TestLibraries.run(cc, ["-O0", "-shared", "-fPIC", "-o", replaced, library, "-Wl,--build-id=0xdeadbeef"])
        try FileManager.default.removeItem(atPath: deleted)
        return Scenario(
            recording: recording, pid: pid, time: time,
            inlined: Library(path: inlined, loaded: loaded[0]), cxx: Library(path: cxx, loaded: loaded[1]),
            stripped: Library(path: stripped, loaded: loaded[2]), replaced: Library(path: replaced, loaded: loaded[3]),
            deleted: Library(path: deleted, loaded: loaded[4]), debugDirectory: debugDirectory, replacedOriginal: original)
    }

    static func seconds(_ nanoseconds: Int64) -> String { TimeText.format(nanoseconds: nanoseconds) }

    /// `lookup --stdin --json --symbols` of `addresses`, one JSON object each.
    static func lookupJSON(_ scenario: Scenario, _ addresses: [UInt64], extra: [String] = []) throws -> [[String: Any]] {
        let input = addresses.map { "\(scenario.pid) \(seconds(scenario.time)) \(AddressText.format($0))" }.joined(separator: "\n") + "\n"
        let result = try CommandResult.run(["lookup", scenario.recording, "--stdin", "--json", "--symbols"] + extra, input: input)
        #expect(result.status == 0, "\(result.standardError)")
        return try result.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Every answer for addresses in `library`'s code, against llvm-symbolizer
    /// on the same file offsets of `oracleObject`.
    static func compareWithLLVM(_ scenario: Scenario, _ library: Library, oracleObject: String? = nil, extra: [String] = [],
                                demangle: Bool = true) throws -> SymbolizerOracleTests.Agreement {
        let segments = try ReadelfSegments(path: library.path)
        let offsets = try segments.sampleOffsets(path: oracleObject ?? library.path, count: 120, seed: 21)
        // The mapping's start is file offset `segment offset` (dlopen maps the executable segment whole).
        let codeSegment = try #require(segments.executable.first)
        let addresses = offsets.map { library.loaded.start + ($0 - codeSegment.offset) }
        let answers = try lookupJSON(scenario, addresses, extra: extra)
        let oracle = try SymbolOracle.llvm(object: oracleObject ?? library.path, addresses: offsets.map { segments.address(ofFileOffset: $0)! },
                                           demangle: demangle, extraArguments: ["--debug-file-directory=/nonexistent"])
        var agreement = SymbolizerOracleTests.Agreement()
        for (index, answer) in answers.enumerated() {
            agreement.addresses += 1
            let expected = oracle[index]
            func same() -> Bool {
                guard answer["status"] as? String == "exact", answer["file_offset"] as? String == AddressText.format(offsets[index]),
                      let last = expected.last
                else { return false }
                let inlined = (answer["inlined"] as? [[String: Any]]) ?? []
                guard inlined.count == expected.count - 1 else { return false }
                for (frame, oracleFrame) in zip(inlined, expected) {
                    guard frame["symbol"] as? String == oracleFrame.function, frame["source_file"] as? String == oracleFrame.file,
                          frame["line"] as? Int == oracleFrame.line
                    else { return false }
                }
                let offset = (answer["symbol_offset"] as? String).flatMap { AddressText.parse($0) }
                let address = segments.address(ofFileOffset: offsets[index])!
                return answer["symbol"] as? String == last.function && answer["source_file"] as? String == last.file
                    && answer["line"] as? Int == last.line && (last.start == nil || offset == address - last.start!)
            }
            if same() { agreement.frames += expected.count } else { agreement.mismatches.append("\(answer) llvm \(expected)") }
        }
        return agreement
    }

    @Test func answersNameFunctionsAndLinesAsLLVMSymbolizer() throws {
        let scenario = try Self.scenario.get()
        SymbolizerOracleTests.check(try Self.compareWithLLVM(scenario, scenario.inlined), "lookup --symbols, gcc -O2 library")
        SymbolizerOracleTests.check(try Self.compareWithLLVM(scenario, scenario.cxx, extra: ["--no-demangle"], demangle: false),
                                    "lookup --symbols --no-demangle, C++ library")
        // The stripped library: with its debug file (--debug-dir) as llvm-symbolizer reads that file.
        let id = "c0c0c0040004"
        let debugFile = "\(scenario.debugDirectory)/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
        SymbolizerOracleTests.check(try Self.compareWithLLVM(scenario, scenario.stripped, oracleObject: debugFile,
                                                             extra: ["--debug-dir", scenario.debugDirectory]),
                                    "lookup --symbols --debug-dir, stripped library")
    }

    @Test func textLinesAddTheFramesAfterATab() throws {
        let scenario = try Self.scenario.get()
        let entry = scenario.inlined.loaded.code
        let result = try CommandResult.run(["lookup", scenario.recording, "--symbols", "--pid", "\(scenario.pid)",
                                            "--time", Self.seconds(scenario.time), AddressText.format(entry), "0x10"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.lines
        #expect(lines.count == 2)
        let fields = lines[0].split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == 2)
        #expect(fields[0].hasSuffix(" " + scenario.inlined.path))
        #expect(fields[1].hasPrefix("fixture_entry+0x0 ") && fields[1].contains("/symlib.c:"), "\(lines[0])")
        // No mapping, no symbols.
        #expect(lines[1].hasSuffix(" unmapped") && !lines[1].contains("\t"))

        // C++ names demangled, as c++filt demangles them: every function nm lists.
        let segments = try ReadelfSegments(path: scenario.cxx.path)
        let codeSegment = try #require(segments.executable.first)
        let offsets = try segments.sampleOffsets(path: scenario.cxx.path, count: 200, seed: 1)
        let addresses = offsets.map { scenario.cxx.loaded.start + ($0 - codeSegment.offset) }
        let demangled = try Self.lookupJSON(scenario, addresses)
        let raw = try Self.lookupJSON(scenario, addresses, extra: ["--no-demangle"])
        let names = raw.compactMap { $0["symbol"] as? String }
        #expect(names.filter { $0.hasPrefix("_Z") }.count > 10)
        #expect(demangled.compactMap { $0["symbol"] as? String } == (try SymbolOracle.cxxfilt(names)))
    }

    @Test func replacedAndDeletedLibrariesAreNeverNamedFromAnotherFile() throws {
        let scenario = try Self.scenario.get()
        let replaced = scenario.replaced.loaded.code
        let deleted = scenario.deleted.loaded.code
        let answers = try Self.lookupJSON(scenario, [replaced, deleted])
        #expect(answers[0]["status"] as? String == "exact" && answers[0]["build_id"] as? String == "c0c0c002")
        #expect(answers[0]["no_symbols"] as? String == "file-changed" && answers[0]["symbol"] is NSNull)
        #expect(answers[1]["no_symbols"] as? String == "not-found" && answers[1]["symbol"] is NSNull && answers[1]["inlined"] is NSNull)
        let text = try CommandResult.run(["lookup", scenario.recording, "--symbols", "--pid", "\(scenario.pid)",
                                          "--time", Self.seconds(scenario.time), AddressText.format(replaced), AddressText.format(deleted)])
        #expect(text.lines.count == 2)
        #expect(text.lines[0].hasSuffix("\tno-symbols file-changed") && text.lines[1].hasSuffix("\tno-symbols not-found"))
        // A copy of the original found by build ID in a debug directory is used.
        let tree = TestLibraries.directory.appendingPathComponent("replaced-tree-\(UUID().uuidString)/.build-id/c0").path
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: scenario.replacedOriginal, toPath: tree + "/c0c002")
        let found = try Self.lookupJSON(scenario, [replaced], extra: ["--debug-dir", String(tree.dropLast("/.build-id/c0".count))])
        #expect(found[0]["symbol"] as? String == "fixture_entry" && found[0]["no_symbols"] is NSNull)
    }

    /// Stack lines with integer nanoseconds (as bpftrace prints nsecs),
    /// resolved frame by frame, then folded.
    @Test func stackLinesWithNanosecondsAndFoldedStacks() throws {
        let scenario = try Self.scenario.get()
        let segments = try ReadelfSegments(path: scenario.inlined.path)
        let codeSegment = try #require(segments.executable.first)
        // The leaf: an address in walk() with inlined frames; its caller: fixture_entry.
        let symbolizer = Symbolizer(search: SymbolizerOracleTests.noSearch)
        var leaf: UInt64?
        var leafFrames: [String] = []
        for offset in stride(from: codeSegment.offset, to: codeSegment.offset + codeSegment.fileSize, by: 1) {
            let frames = symbolizer.symbolize(buildID: BuildID(hex: "c0c0c001"), path: MappedPath(scenario.inlined.path), fileOffset: offset).frames
            if frames.count >= 3, frames.last?.function == Array("walk".utf8) {
                leaf = scenario.inlined.loaded.start + (offset - codeSegment.offset)
                leafFrames = frames.reversed().map { String(decoding: $0.function!, as: UTF8.self) }
                break
            }
        }
        let walkAddress = try #require(leaf)
        let caller = scenario.inlined.loaded.code
        let nanoseconds = "\(scenario.time)"
        let line = "\(scenario.pid) \(nanoseconds) \(AddressText.format(walkAddress)) \(AddressText.format(caller))"
        let kernel = "\(scenario.pid) \(nanoseconds) 0xffffffff81000000 \(AddressText.format(caller))"

        // Resolved frame by frame: the leaf, then its caller indented.
        let resolved = try CommandResult.run(["lookup", scenario.recording, "--stdin", "--time-unit", "ns"], input: line + "\n")
        #expect(resolved.status == 0, "\(resolved.standardError)")
        #expect(resolved.lines.count == 2 && resolved.lines[1].hasPrefix("\t\(scenario.pid) "))
        #expect(resolved.lines[0].contains(" exact ") && resolved.lines[1].contains(" exact "))
        // The same answers as seconds.
        let inSeconds = try CommandResult.run(["lookup", scenario.recording, "--stdin"],
                                              input: "\(scenario.pid) \(Self.seconds(scenario.time)) \(AddressText.format(walkAddress)) \(AddressText.format(caller))\n")
        #expect(inSeconds.standardOutput == resolved.standardOutput)

        let folded = try CommandResult.run(["lookup", scenario.recording, "--stdin", "--time-unit", "ns", "--folded"],
                                           input: ([line, line, line, kernel, kernel].joined(separator: "\n")) + "\n")
        #expect(folded.status == 0, "\(folded.standardError)")
        let command = String(decoding: try #require(AddressIndex(histories: try RecordingReader(path: scenario.recording).histories())
                                                        .history(pid: scenario.pid, at: scenario.time)).process.command, as: UTF8.self)
        let expected = ["\(command);fixture_entry;[kernel] 2", "\(command);fixture_entry;\(leafFrames.joined(separator: ";")) 3"].sorted()
        #expect(folded.lines == expected)

        // perf script text folds the same way: a sample's call chain, leaf first.
        let perf = ["\(scenario.pid)/\(scenario.pid) \(Self.seconds(scenario.time)):",
                    "\t\(String(walkAddress, radix: 16)) walk+0x0 (\(scenario.inlined.path))",
                    "\t\(String(caller, radix: 16)) fixture_entry+0x0 (\(scenario.inlined.path))", ""]
        let perfFolded = try CommandResult.run(["lookup", scenario.recording, "--perf-script", "--folded"],
                                               input: (perf + perf).joined(separator: "\n") + "\n")
        #expect(perfFolded.lines == ["\(command);fixture_entry;\(leafFrames.joined(separator: ";")) 2"], "\(perfFolded.standardError)")
    }

    @Test func badOptionsAndTimesAreOneLineErrors() throws {
        let scenario = try Self.scenario.get()
        for arguments in [["--stdin", "--no-demangle"], ["--stdin", "--folded", "--json"], ["--pid", "1", "--time", "1", "--time-unit", "ns", "0x1"]] {
            let result = try CommandResult.run(["lookup", scenario.recording] + arguments, input: "")
            #expect(result.status == 64 && result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
        }
        let fraction = try CommandResult.run(["lookup", scenario.recording, "--stdin", "--time-unit", "ns"], input: "\(scenario.pid) 1.5 0x1000\n")
        #expect(fraction.status != 0 && fraction.standardError.contains("line 1: expected a time in integer ns"), "\(fraction.standardError)")
    }
}
