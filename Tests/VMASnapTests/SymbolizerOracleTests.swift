import Foundation
import Testing
@testable import VMASnap

/// The symbolizer against llvm-symbolizer and addr2line on real files, at
/// the same file offsets: random ones in the executable segments and the
/// first byte, last byte and end of every function `nm` lists. Every
/// frame's function name, offset, source file and line must agree.
@Suite struct SymbolizerOracleTests {
    /// How many frames agreed, and the disagreements (at most a few kept).
    struct Agreement: CustomStringConvertible {
        var addresses = 0
        var frames = 0
        var mismatches: [String] = []
        var description: String { "\(addresses) addresses, \(frames) frames agree, \(mismatches.count) disagree" }
    }

    static let noSearch = SymbolSearchPaths(systemDebugDirectory: nil)

    /// Symbolizes sampled offsets of `path` and compares each answer with
    /// llvm-symbolizer's on `oracleObject` (the file the symbols come from:
    /// `path` itself, or its debug file).
    static func compareWithLLVM(path: String, oracleObject: String? = nil, search: SymbolSearchPaths = noSearch,
                                lines: Bool = true, demangle: Bool = true, count: Int = 400, seed: UInt64 = 1) throws -> Agreement {
        let segments = try ReadelfSegments(path: path)
        let offsets = try segments.sampleOffsets(path: oracleObject ?? path, count: count, seed: seed)
        let addresses = offsets.map { segments.address(ofFileOffset: $0)! }
        // Told of no debug directory, llvm-symbolizer reads only the object given.
        let oracle = try SymbolOracle.llvm(object: oracleObject ?? path, addresses: addresses, inlines: lines, demangle: demangle,
                                           extraArguments: ["--debug-file-directory=/nonexistent"])
        let symbolizer = Symbolizer(search: search, demangle: demangle)
        let buildID = try #require(try ELFFile(source: ELFSource(file: ReadOnlyFile(path: path))).buildID())
        var agreement = Agreement()
        for (index, offset) in offsets.enumerated() {
            let ours = symbolizer.symbolize(buildID: buildID, path: MappedPath(path), fileOffset: offset, lines: lines)
            agreement.addresses += 1
            if let problem = difference(ours, oracle[index], address: addresses[index], lines: lines) {
                agreement.mismatches.append("\(AddressText.format(addresses[index])): \(problem)")
            } else {
                agreement.frames += oracle[index].count
            }
        }
        return agreement
    }

    /// Why `ours` differs from llvm-symbolizer's frames, or nil.
    static func difference(_ ours: Symbolization, _ oracle: [SymbolOracle.Frame], address: UInt64, lines: Bool) -> String? {
        func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
        if let missing = ours.missing { return "ours: no-symbols \(missing); llvm: \(oracle)" }
        let mine = ours.frames.map {
            SymbolOracle.Frame(function: text($0.function), file: lines ? text($0.file) : nil, line: lines && $0.file != nil ? $0.line : nil,
                               start: $0.offset.map { address - $0 })
        }
        let expected = oracle.map { SymbolOracle.Frame(function: $0.function, file: lines ? $0.file : nil, line: lines ? $0.line : nil, start: nil) }
        guard mine.count == expected.count else { return "ours \(mine), llvm \(oracle)" }
        for index in mine.indices {
            var frame = mine[index]
            frame.start = nil
            if frame != expected[index] { return "frame \(index): ours \(mine), llvm \(oracle)" }
        }
        // The out-of-line function's start, where llvm-symbolizer prints one.
        if let start = oracle.last?.start, mine.last?.start != start { return "start: ours \(mine), llvm \(oracle)" }
        return nil
    }

    static func check(_ agreement: Agreement, _ name: String) {
        print("oracle \(name): \(agreement)")
        let count = agreement.mismatches.count
        #expect(count == 0, "\(name): \(agreement.mismatches.prefix(8).joined(separator: "\n"))")
        #expect(agreement.addresses > 0)
    }

    @Test func pieExecutable() throws {
        let files = try SymbolTestFiles.files.get()
        Self.check(try Self.compareWithLLVM(path: files.pie), "PIE executable")
    }

    @Test func fixedAddressExecutable() throws {
        let files = try SymbolTestFiles.files.get()
        Self.check(try Self.compareWithLLVM(path: files.fixedAddress), "fixed-address executable")
    }

    @Test func inlinedFunctions() throws {
        let files = try SymbolTestFiles.files.get()
        Self.check(try Self.compareWithLLVM(path: files.inlined, count: 800), "gcc -O2 library, inlines")
        Self.check(try Self.compareWithLLVM(path: files.inlined, lines: false), "gcc -O2 library, functions only")
    }

    @Test func lldSegmentsWithVirtualAddressAboveOffset() throws {
        let files = try SymbolTestFiles.files.get()
        let segments = try ReadelfSegments(path: files.lld)
        // The point of this file: its code is not at address == offset.
        #expect(segments.executable.contains { $0.address != $0.offset })
        Self.check(try Self.compareWithLLVM(path: files.lld, count: 600), "clang + lld library, inlines")
    }

    @Test func strippedLibraryHasDynamicSymbolsOnly() throws {
        let files = try SymbolTestFiles.files.get()
        let elf = try ELFFile(source: ELFSource(file: ReadOnlyFile(path: files.stripped)))
        #expect(try elf.symbolTable(.full) == nil)
        #expect(try elf.symbolTable(.dynamic) != nil)
        Self.check(try Self.compareWithLLVM(path: files.stripped), "stripped library (.dynsym)")
    }

    @Test func separateDebugFileFoundByBuildID() throws {
        let files = try SymbolTestFiles.files.get()
        // Not found without the debug directory: only .dynsym, no lines.
        let plain = Symbolizer(search: Self.noSearch)
        guard case .found(let alone) = plain.symbolFile(buildID: BuildID(hex: "5e5e00060006"), path: MappedPath(files.separated))
        else { Issue.record("the stripped library itself has symbols"); return }
        #expect(alone.debugInfoPath == nil)
        // Found through --debug-dir's .build-id tree; llvm-symbolizer reads
        // the same debug file for symbols and DWARF.
        let search = SymbolSearchPaths(debugDirectories: [files.debugDirectory], systemDebugDirectory: nil)
        let symbolizer = Symbolizer(search: search)
        guard case .found(let file) = symbolizer.symbolFile(buildID: BuildID(hex: "5e5e00060006"), path: MappedPath(files.separated))
        else { Issue.record("no symbols with the debug directory"); return }
        #expect(file.debugInfoPath == Array(files.separateDebugFile.utf8))
        #expect(file.path == Array(files.separated.utf8))
        Self.check(try Self.compareWithLLVM(path: files.separated, oracleObject: files.separateDebugFile, search: search),
                   "separate debug file (--debug-dir)")
    }

    @Test func libcWithItsDebugFile() throws {
        let libc = "/usr/lib/x86_64-linux-gnu/libc.so.6"
        guard FileManager.default.fileExists(atPath: libc) else { return }
        // .dynsym alone, as llvm-symbolizer reads it when told of no debug directory.
        Self.check(try Self.compareWithLLVM(path: libc, count: 1000, seed: 3), "libc, .dynsym")
        // With libc6-dbg's debug file under /usr/lib/debug/.build-id.
        let id = try #require(try ELFFile(source: ELFSource(file: ReadOnlyFile(path: libc))).buildID()).description
        let debugFile = "/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
        guard FileManager.default.fileExists(atPath: debugFile) else {
            print("oracle libc: no \(debugFile) (libc6-dbg not installed); the debug file comparison is skipped")
            return
        }
        Self.check(try Self.compareWithLLVM(path: libc, oracleObject: debugFile, search: SymbolSearchPaths(), count: 1000, seed: 4),
                   "libc with /usr/lib/debug, inlines")
    }
}
