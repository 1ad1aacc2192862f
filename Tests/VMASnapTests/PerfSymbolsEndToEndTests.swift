import Foundation
import Testing
@testable import VMASnap

/// The issue's "done when": a `perf record -k CLOCK_MONOTONIC` session with
/// `vmasnap record --keep-symbols=lines` alongside, of the fixture (a PIE
/// executable) running a C library with inlined functions, then a C++
/// library at the address it left, then the C library again after it was
/// rebuilt on disk (another build ID, other code), at the same address.
/// Every `exact` answer of `lookup --perf-script --symbols` (libc, ld.so and
/// libstdc++ included) names the function, offset, file, line and inlined
/// frames llvm-symbolizer gives for the same file offset in the right file;
/// the old C library's samples, whose file is gone from disk, are named from
/// its stored symbols as llvm-symbolizer named the old file (function,
/// offset, the line table's file and line: stored tables keep no inlined
/// frames). Names raw: LLVM's demangler prints C++ its own way (the
/// demangling is checked against c++filt elsewhere). `perf-resolve
/// --symbols` on the perf.data itself gives each frame the same symbols, and
/// `perf-resolve --folded` the stacks `lookup --folded` makes of perf script's text.
@Suite struct PerfSymbolsEndToEndTests {
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func everyExactSampleIsNamedAsLLVMSymbolizerNamesIt() throws {
        let directory = TestLibraries.directory.appendingPathComponent("perf-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try SymbolTestFiles.librarySource.write(toFile: path("lib.c"), atomically: true, encoding: .utf8)
        try SymbolTestFiles.cxxSource.write(toFile: path("lib.cpp"), atomically: true, encoding: .utf8)
        let c = path("libperfc.so")
        let original = path("libperfc.original.so")
        let cxx = path("libperfcxx.so")
        try TestLibraries.run(TestLibraries.compiler, ["-O2", "-g", "-shared", "-fPIC", "-o", c, path("lib.c"), "-Wl,--build-id=0xe0e0e001"])
        try FileManager.default.copyItem(atPath: c, toPath: original)
        try TestLibraries.run("/usr/bin/g++", ["-O2", "-g", "-shared", "-fPIC", "-o", cxx, path("lib.cpp"), "-Wl,--build-id=0xe0e0e002"])

        let maps = path("maps.vmasnap")
        let perfData = path("perf.data")
        let session = try FixtureProcess(executable: BuildProducts.vmasnap, arguments: [
            "record", "--keep-symbols=lines", "-o", maps, "--interval", "10ms", "--",
            PerfEndToEndTests.perf, "record", "-q", "-N", "-B", "-k", "CLOCK_MONOTONIC", "-o", perfData, "--", BuildProducts.fixture,
        ])
        try session.send("ping")
        // dlclose then dlopen: the next library takes the address the last one left.
        let loaded = try session.dlopen(c)
        try session.send("spin \(loaded.handle) 250")
        try session.send("dlclose \(loaded.handle)")
        try session.send("sleep 30")
        let second = try session.dlopen(cxx)
        try session.send("spin \(second.handle) 250")
        try session.send("dlclose \(second.handle)")
        try session.send("sleep 30")
        // Rebuilt in place while the program runs, as an upgrade does (a new file renamed over the old).
        try TestLibraries.run(TestLibraries.compiler, ["-O1", "-g", "-shared", "-fPIC", "-o", path("libperfc.new.so"), path("lib.c"),
                                                       "-Wl,--build-id=0xe0e0e0ff"])
        _ = rename(path("libperfc.new.so"), c)
        let third = try session.dlopen(c)
        try session.send("spin \(third.handle) 250")
        try session.send("dlclose \(third.handle)")
        session.sendWithoutAnswer("exit")
        session.process.waitUntilExit()
        #expect(session.process.terminationStatus == 0)
        #expect(loaded.start == third.start, "the rebuilt library was loaded elsewhere")
        let samples = try CommandResult.run(["script", "-i", perfData, "-F", "pid,tid,time,ip", "--ns"], executable: PerfEndToEndTests.perf)
        #expect(samples.status == 0, "\(samples.standardError)")
        let samplesFile = path("samples.txt")
        try samples.standardOutput.write(toFile: samplesFile, atomically: false, encoding: .utf8)
        let lookup = try CommandResult.run(["lookup", maps, "--perf-script", "--json", "--symbols", "--no-demangle"], inputFile: samplesFile)
        #expect(lookup.status == 0, "\(lookup.standardError)")
        let answers = try lookup.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }

        // The exact answers by file and build ID, then llvm-symbolizer once
        // per file on their offsets (the file's debug file, if any, is what both read).
        struct Key: Hashable { var path: String; var buildID: String }
        var byFile: [Key: [(answer: [String: Any], offset: UInt64)]] = [:]
        for answer in answers where answer["status"] as? String == "exact" {
            guard let file = answer["path"] as? String, let offset = (answer["file_offset"] as? String).flatMap(AddressText.parse) else { continue }
            byFile[Key(path: file, buildID: answer["build_id"] as? String ?? "-"), default: []].append((answer, offset))
        }
        let old = Key(path: c, buildID: "e0e0e001")
        let new = Key(path: c, buildID: "e0e0e0ff")
        #expect(byFile[old, default: []].count > 100 && byFile[new, default: []].count > 100
                && byFile[Key(path: cxx, buildID: "e0e0e002"), default: []].count > 50, "\(byFile.mapValues(\.count))")
        var agreement = SymbolizerOracleTests.Agreement()
        for (key, exact) in byFile {
            // The old library: its file is gone; its stored symbols answer, as the old file did.
            let stored = key == old
            let object = stored ? original : key.path
            let segments = try ReadelfSegments(path: object)
            let elf = try ELFFile(path: object)
            let id = try #require(elf.buildID()).description
            #expect(id == key.buildID)
            let debugFile = "/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
            let oracleObject = elf.hasDebugInfo || !FileManager.default.fileExists(atPath: debugFile) ? object : debugFile
            let oracle = try SymbolOracle.llvm(object: oracleObject, addresses: exact.map { segments.address(ofFileOffset: $0.offset)! },
                                               inlines: !stored, demangle: false, extraArguments: ["--debug-file-directory=/nonexistent"])
            for (index, (answer, offset)) in exact.enumerated() {
                agreement.addresses += 1
                let expected = oracle[index]
                var same = answer["no_symbols"] is NSNull
                if !stored {
                    let inlined = (answer["inlined"] as? [[String: Any]]) ?? []
                    same = same && inlined.count == expected.count - 1
                    for (frame, oracleFrame) in zip(inlined, expected) where same {
                        same = frame["symbol"] as? String == oracleFrame.function && frame["source_file"] as? String == oracleFrame.file
                            && frame["line"] as? Int == oracleFrame.line
                    }
                }
                if let last = expected.last, same {
                    let address = segments.address(ofFileOffset: offset)!
                    let symbolOffset = (answer["symbol_offset"] as? String).flatMap(AddressText.parse)
                    same = answer["symbol"] as? String == last.function && answer["source_file"] as? String == last.file
                        && answer["line"] as? Int == last.line && (last.start == nil || symbolOffset == address - last.start!)
                }
                if same { agreement.frames += expected.count } else { agreement.mismatches.append("\(key): \(answer) llvm \(expected)") }
            }
        }
        SymbolizerOracleTests.check(agreement, "perf end to end, every exact sample (the replaced library's from stored symbols)")

        // perf-resolve --symbols on perf.data itself: each exact frame gets the
        // symbols lookup gave the same build ID and file offset.
        var symbols: [String: [String: String]] = [:]
        for answer in answers where answer["status"] as? String == "exact" {
            let key = "\(answer["build_id"] as? String ?? "-") \(answer["file_offset"] as? String ?? "")"
            symbols[key] = ["symbol": answer["symbol"] as? String ?? "-", "line": "\(answer["line"] ?? "-")"]
        }
        let resolved = try CommandResult.run(["perf-resolve", perfData, maps, "--json", "--symbols", "--no-demangle"])
        #expect(resolved.status == 0, "\(resolved.standardError)")
        var checked = 0
        var storedFrames = 0
        for line in resolved.lines {
            let sample = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            for frame in sample["frames"] as? [[String: Any]] ?? [] where frame["status"] as? String == "exact" {
                let key = "\(frame["build_id"] as? String ?? "-") \(frame["file_offset"] as? String ?? "")"
                guard let expected = symbols[key] else { continue }
                checked += 1
                if frame["build_id"] as? String == "e0e0e001" { storedFrames += 1 }
                #expect(frame["symbol"] as? String ?? "-" == expected["symbol"] && "\(frame["line"] ?? "-")" == expected["line"], "\(frame)")
            }
        }
        #expect(checked > 300 && storedFrames > 100, "\(checked) frames checked, \(storedFrames) from stored symbols")

        // perf-resolve --folded: the same stacks as lookup --folded of perf script's text of the same samples.
        let folded = try CommandResult.run(["perf-resolve", perfData, maps, "--folded"])
        #expect(folded.status == 0, "\(folded.standardError)")
        let scriptFolded = try CommandResult.run(["lookup", maps, "--perf-script", "--folded"], inputFile: samplesFile)
        #expect(!folded.lines.isEmpty && folded.lines == scriptFolded.lines,
                "\(folded.lines.prefix(5)) against \(scriptFolded.lines.prefix(5))")
        let counted = folded.lines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
        #expect(counted == samples.lines.count)
        // The old build's functions are among them, named from its stored symbols.
        let storedNames = Set(byFile[old, default: []].compactMap { $0.answer["symbol"] as? String })
        #expect(folded.lines.contains { line in storedNames.contains { line.contains(";" + $0 + " ") || line.contains(";" + $0 + ";") } })
        print("perf end to end, symbols: \(answers.count) answers, exact by file \(byFile.map { "\($0.key.path) \($0.key.buildID): \($0.value.count)" }); "
            + "perf-resolve --symbols: \(checked) frames agree")
    }
}
