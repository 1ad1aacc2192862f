import Foundation
import Testing
@testable import VMASnap

/// The "done when", as far as it reaches without stored symbols: a
/// `perf record -k CLOCK_MONOTONIC` session with `vmasnap record` alongside,
/// of the fixture running a C library with inlined functions and a C++
/// library that take turns at one address. Every `exact` answer of `lookup
/// --perf-script --symbols` (libc and libstdc++ included) names the function,
/// offset, file, line and inlined frames llvm-symbolizer gives for the same
/// file offset in the right file (names raw: LLVM's demangler prints C++ its
/// own way; the demangling is checked against c++filt elsewhere); after the
/// C library is rebuilt in
/// place, its samples say `file-changed`, until a copy of the old file is
/// given by build ID with --debug-dir.
@Suite struct PerfSymbolsEndToEndTests {
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func everyExactSampleIsNamedAsLLVMSymbolizerNamesIt() throws {
        let directory = TestLibraries.directory.appendingPathComponent("perf-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try SymbolTestFiles.librarySource.write(toFile: path("lib.c"), atomically: true, encoding: .utf8)
        try SymbolTestFiles.cxxSource.write(toFile: path("lib.cpp"), atomically: true, encoding: .utf8)
        let c = path("libperfc.so")
        let cxx = path("libperfcxx.so")
        try TestLibraries.run(TestLibraries.compiler, ["-O2", "-g", "-shared", "-fPIC", "-o", c, path("lib.c"), "-Wl,--build-id=0xe0e0e001"])
        try TestLibraries.run("/usr/bin/g++", ["-O2", "-g", "-shared", "-fPIC", "-o", cxx, path("lib.cpp"), "-Wl,--build-id=0xe0e0e002"])

        let maps = path("maps.vmasnap")
        let perfData = path("perf.data")
        // dlclose then dlopen: the next library takes the address the last one left.
        let script = "dlopen \(c); spin 0 250; dlclose 0; sleep 30; dlopen \(cxx); spin 0 250; dlclose 0; sleep 30; dlopen \(c); spin 0 250; dlclose 0"
        let recorded = try CommandResult.run([
            "record", "-o", maps, "--interval", "10ms", "--",
            PerfEndToEndTests.perf, "record", "-q", "-k", "CLOCK_MONOTONIC", "-o", perfData, "--", BuildProducts.fixture, "--script", script,
        ])
        #expect(recorded.status == 0, "\(recorded.standardError)")
        let samples = try CommandResult.run(["script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns"], executable: PerfEndToEndTests.perf)
        let samplesFile = path("samples.txt")
        try samples.standardOutput.write(toFile: samplesFile, atomically: false, encoding: .utf8)
        let lookup = try CommandResult.run(["lookup", maps, "--perf-script", "--json", "--symbols", "--no-demangle"], inputFile: samplesFile)
        #expect(lookup.status == 0, "\(lookup.standardError)")
        let answers = try lookup.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }

        // The exact answers by file, then llvm-symbolizer once per file on
        // their offsets (the file's debug file, if any, is what both read).
        var byPath: [String: [(answer: [String: Any], offset: UInt64)]] = [:]
        for answer in answers where answer["status"] as? String == "exact" {
            guard let file = answer["path"] as? String, let offset = (answer["file_offset"] as? String).flatMap(AddressText.parse) else { continue }
            byPath[file, default: []].append((answer, offset))
        }
        #expect(byPath[c, default: []].count > 100 && byPath[cxx, default: []].count > 50, "\(byPath.mapValues(\.count))")
        var agreement = SymbolizerOracleTests.Agreement()
        for (file, exact) in byPath {
            let segments = try ReadelfSegments(path: file)
            let elf = try ELFFile(path: file)
            let id = try #require(elf.buildID()).description
            let debugFile = "/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
            let object = elf.hasDebugInfo || !FileManager.default.fileExists(atPath: debugFile) ? file : debugFile
            let oracle = try SymbolOracle.llvm(object: object, addresses: exact.map { segments.address(ofFileOffset: $0.offset)! },
                                               demangle: false, extraArguments: ["--debug-file-directory=/nonexistent"])
            for (index, (answer, offset)) in exact.enumerated() {
                agreement.addresses += 1
                let expected = oracle[index]
                let inlined = (answer["inlined"] as? [[String: Any]]) ?? []
                var same = inlined.count == expected.count - 1
                for (frame, oracleFrame) in zip(inlined, expected) where same {
                    same = frame["symbol"] as? String == oracleFrame.function && frame["source_file"] as? String == oracleFrame.file
                        && frame["line"] as? Int == oracleFrame.line
                }
                if let last = expected.last, same {
                    let address = segments.address(ofFileOffset: offset)!
                    let symbolOffset = (answer["symbol_offset"] as? String).flatMap(AddressText.parse)
                    same = answer["symbol"] as? String == last.function && answer["source_file"] as? String == last.file
                        && answer["line"] as? Int == last.line && (last.start == nil || symbolOffset == address - last.start!)
                }
                if same { agreement.frames += expected.count } else { agreement.mismatches.append("\(file): \(answer) llvm \(expected)") }
            }
        }
        SymbolizerOracleTests.check(agreement, "perf end to end, every exact sample")

        // The C library rebuilt in place: its samples are never named from the new file.
        let original = path("libperfc.original.so")
        try FileManager.default.moveItem(atPath: c, toPath: original)
        try TestLibraries.run(TestLibraries.compiler, ["-O0", "-shared", "-fPIC", "-o", c, path("lib.c"), "-Wl,--build-id=0xe0e0e0ff"])
        let changed = try CommandResult.run(["lookup", maps, "--perf-script", "--json", "--symbols"], inputFile: samplesFile)
        let changedAnswers = try changed.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let ofC = changedAnswers.filter { $0["path"] as? String == c }
        #expect(!ofC.isEmpty && ofC.allSatisfy { $0["no_symbols"] as? String == "file-changed" && $0["symbol"] is NSNull })
        // The old file, found by its build ID in a --debug-dir tree, names them again.
        let tree = path("debug/.build-id/e0")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: original, toPath: tree + "/e0e001")
        let found = try CommandResult.run(["lookup", maps, "--perf-script", "--json", "--symbols", "--debug-dir", path("debug")],
                                          inputFile: samplesFile)
        let foundAnswers = try found.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let named = foundAnswers.filter { $0["path"] as? String == c && $0["status"] as? String == "exact" }
        #expect(!named.isEmpty && named.allSatisfy { $0["no_symbols"] is NSNull && $0["symbol"] is String })
        print("perf end to end, symbols: \(answers.count) answers, exact by file \(byPath.mapValues(\.count))")
    }
}
