import Foundation
import Testing
@testable import VMASnap

/// `record --keep-symbols`: a recording that stores its files' symbol
/// tables names the code of a library rebuilt in place after the recording
/// (never from the new file) and of one deleted, as llvm-symbolizer named
/// it on the original files; with `=lines` with their source lines too. Two
/// recorders follow the same process: one with `--keep-symbols=lines` (the
/// command form), one with `--keep-symbols` (-p).
@Suite struct KeepSymbolsTests {
    struct Library {
        var path: String
        var loaded: FixtureProcess.LoadedLibrary
        var segments: ReadelfSegments
        /// Sampled code offsets, and what llvm-symbolizer --no-inlines said of
        /// each on the original file, before it was replaced or deleted.
        var offsets: [UInt64]
        var oracle: [[SymbolOracle.Frame]]

        func address(_ offset: UInt64) -> UInt64 { loaded.start + (offset - segments.executable[0].offset) }
    }

    struct Scenario {
        var withLines: String
        var functionsOnly: String
        var pid: Int32
        /// A time to ask each recording about, when every library was loaded:
        /// shortly after the last dlopen, and the -p recorder's first snapshot
        /// (it starts after them).
        var time: Int64
        var functionsOnlyTime: Int64
        var replaced: Library
        var deleted: Library
        var cxx: Library
    }

    static let scenario = Result<Scenario, Error> {
        let directory = TestLibraries.directory.appendingPathComponent("keep-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let source = path("kept.c")
        try SymbolTestFiles.librarySource.write(toFile: source, atomically: true, encoding: .utf8)
        let cxxSource = path("keptcxx.cpp")
        try SymbolTestFiles.cxxSource.write(toFile: cxxSource, atomically: true, encoding: .utf8)
        let replaced = path("libkeptreplaced.so")
        let deleted = path("libkeptdeleted.so")
        let cxx = path("libkeptcxx.so")
        try TestLibraries.run(TestLibraries.compiler, ["-O2", "-g", "-shared", "-fPIC", "-o", replaced, source, "-Wl,--build-id=0xd0d0d001"])
        try TestLibraries.run(TestLibraries.compiler, ["-O2", "-g", "-shared", "-fPIC", "-o", deleted, source, "-Wl,--build-id=0xd0d0d002"])
        try TestLibraries.run("/usr/bin/g++", ["-O2", "-g", "-shared", "-fPIC", "-o", cxx, cxxSource, "-Wl,--build-id=0xd0d0d003"])

        let withLines = path("lines.vmasnap")
        let functionsOnly = path("functions.vmasnap")
        let fixture = try FixtureProcess(
            executable: BuildProducts.vmasnap,
            arguments: ["record", "--keep-symbols=lines", "-o", withLines, "--interval", "10ms", "--", BuildProducts.fixture])
        let pid = Int32(try fixture.send("ping")[0])!
        let loaded = try [replaced, deleted, cxx].map { try fixture.dlopen($0) }
        let second = try BackgroundCommand(["record", "--keep-symbols", "-p", "\(pid)", "-o", functionsOnly, "--interval", "10ms"])
        let time = LookupRecordingTests.now() + 100_000_000
        try fixture.send("sleep 250")
        fixture.sendWithoutAnswer("exit")
        fixture.process.waitUntilExit()
        let secondResult = second.finish()
        guard secondResult.status == 0 else { throw FixtureError(command: "record -p --keep-symbols", answer: secondResult.standardError) }

        func library(_ path: String, _ loaded: FixtureProcess.LoadedLibrary, demangle: Bool = true) throws -> Library {
            let segments = try ReadelfSegments(path: path)
            let offsets = try segments.sampleOffsets(path: path, count: 100, seed: 5)
            let oracle = try SymbolOracle.llvm(object: path, addresses: offsets.map { segments.address(ofFileOffset: $0)! },
                                               inlines: false, demangle: demangle, extraArguments: ["--debug-file-directory=/nonexistent"])
            return Library(path: path, loaded: loaded, segments: segments, offsets: offsets, oracle: oracle)
        }
        let firstSnapshot = try RecordingReader(path: functionsOnly).histories()
            .first { $0.process.identity.pid == pid }?.epochs.first?.firstSeen
        guard let functionsOnlyTime = firstSnapshot else {
            throw FixtureError(command: "record -p --keep-symbols", answer: "no snapshot of \(pid)")
        }
        let scenario = Scenario(withLines: withLines, functionsOnly: functionsOnly, pid: pid, time: time,
                                functionsOnlyTime: functionsOnlyTime,
                                replaced: try library(replaced, loaded[0]), deleted: try library(deleted, loaded[1]),
                                cxx: try library(cxx, loaded[2], demangle: false))
        // After the recording: one library rebuilt in place (other code, another build ID), one deleted.
        try FileManager.default.removeItem(atPath: replaced)
        try TestLibraries.run(TestLibraries.compiler, ["-O0", "-shared", "-fPIC", "-o", replaced, source, "-Wl,--build-id=0xdeadd0d0"])
        try FileManager.default.removeItem(atPath: deleted)
        return scenario
    }

    /// `lookup --json --symbols` of every sampled address of `library`.
    static func answers(_ recording: String, _ scenario: Scenario, _ library: Library, extra: [String] = []) throws -> [[String: Any]] {
        let time = recording == scenario.functionsOnly ? scenario.functionsOnlyTime : scenario.time
        let input = library.offsets.map { "\(scenario.pid) \(TimeText.format(nanoseconds: time)) \(AddressText.format(library.address($0)))" }
        let result = try CommandResult.run(["lookup", recording, "--stdin", "--json", "--symbols"] + extra,
                                           input: input.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.standardError)")
        return try result.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Mismatches between the answers and llvm-symbolizer's on the original file.
    static func mismatches(_ answers: [[String: Any]], _ library: Library, lines: Bool) -> [String] {
        var found: [String] = []
        for (index, answer) in answers.enumerated() {
            let expected = library.oracle[index].first
            let address = library.segments.address(ofFileOffset: library.offsets[index])!
            let offset = (answer["symbol_offset"] as? String).flatMap { AddressText.parse($0) }
            var same = answer["status"] as? String == "exact" && answer["no_symbols"] is NSNull
                && answer["symbol"] as? String == expected?.function
                && (expected?.start == nil || offset == address - expected!.start!)
            if lines { same = same && answer["source_file"] as? String == expected?.file && answer["line"] as? Int == expected?.line }
            if !same { found.append("\(answer) llvm \(String(describing: expected))") }
        }
        return found
    }

    @Test func replacedAndDeletedLibrariesAreNamedFromTheirStoredSymbols() throws {
        let scenario = try Self.scenario.get()
        for library in [scenario.replaced, scenario.deleted] {
            let lines = Self.mismatches(try Self.answers(scenario.withLines, scenario, library), library, lines: true)
            #expect(lines.isEmpty, "--keep-symbols=lines, \(library.path): \(lines.prefix(5).joined(separator: "\n"))")
            let functions = Self.mismatches(try Self.answers(scenario.functionsOnly, scenario, library), library, lines: false)
            #expect(functions.isEmpty, "--keep-symbols, \(library.path): \(functions.prefix(5).joined(separator: "\n"))")
            print("oracle keep-symbols \(library.path): \(library.offsets.count) addresses agree with llvm-symbolizer on the original")
        }
        // The C++ library is still there: its own file answers (mangled names as stored and as the file has them).
        let cxx = Self.mismatches(try Self.answers(scenario.functionsOnly, scenario, scenario.cxx, extra: ["--no-demangle"]),
                                  scenario.cxx, lines: false)
        #expect(cxx.isEmpty, "\(cxx.prefix(5).joined(separator: "\n"))")
    }

    @Test func infoShowsWhatTheStoredSymbolsCost() throws {
        let scenario = try Self.scenario.get()
        for recording in [scenario.withLines, scenario.functionsOnly] {
            let json = try CommandResult.run(["info", "--json", recording])
            #expect(json.status == 0, "\(json.standardError)")
            let info = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as! [String: Any]
            let tables = try #require(info["symbol_tables"] as? Int)
            let bytes = try #require(info["symbol_bytes"] as? Int)
            // The fixture, libc, the three libraries, libstdc++ and more: each once.
            #expect(tables >= 5 && bytes > 1000 && bytes < (info["bytes"] as? Int ?? 0), "\(info)")
            let reader = try RecordingReader(path: recording)
            #expect(Set(reader.storedSymbolTables.map(\.buildID)).count == tables)
            for id in ["d0d0d001", "d0d0d002", "d0d0d003"] {
                #expect(reader.storedSymbolTables.contains { $0.buildID == BuildID(hex: id) }, "\(recording): \(id)")
            }
            let text = try CommandResult.run(["info", recording])
            #expect(text.lines.contains { $0.hasPrefix("stored symbols:") && $0.contains("\(tables) files: \(bytes) bytes in the file") })
        }
        // Stored lines cost more than functions alone.
        func bytes(_ path: String, _ id: String) throws -> Int {
            try #require(RecordingReader(path: path).storedSymbolTables.first { $0.buildID == BuildID(hex: id) }).storedLength
        }
        #expect(try bytes(scenario.withLines, "d0d0d002") > bytes(scenario.functionsOnly, "d0d0d002"))
    }
}
