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

    /// A stripped library with MiniDebugInfo names its static functions as
    /// the unstripped library does (llvm-symbolizer on that file is the
    /// oracle): the function's start and name, or an alias at the same start.
    @Test func miniDebugInfoNamesWhatDynsymLacks() throws {
        let files = try SymbolTestFiles.files.get()
        let elf = try ELFFile(path: files.miniDebugInfo)
        #expect(try elf.symbolTable(.full) == nil)
        let embedded = try #require(elf.miniDebugInfo())
        #expect(try embedded.symbolTable(.full) != nil)
        let segments = try ReadelfSegments(path: files.inlined)
        let offsets = try segments.sampleOffsets(path: files.inlined, count: 300, seed: 13)
        let oracle = try SymbolOracle.llvm(object: files.inlined, addresses: offsets.map { segments.address(ofFileOffset: $0)! },
                                           inlines: false, extraArguments: ["--debug-file-directory=/nonexistent"])
        var addressOf: [String: UInt64] = [:]
        for line in try CommandResult.run(["--defined-only", files.inlined], executable: "/usr/bin/nm").lines {
            let fields = line.split(separator: " ")
            if fields.count == 3, let address = UInt64(fields[0], radix: 16) { addressOf[String(fields[2])] = address }
        }
        let symbolizer = Symbolizer(search: Self.noSearch)
        let buildID = try #require(BuildID(hex: "5e5e0003"))
        var agreement = Agreement()
        var hidden = 0
        for (index, offset) in offsets.enumerated() {
            agreement.addresses += 1
            let ours = symbolizer.symbolize(buildID: buildID, path: MappedPath(files.miniDebugInfo), fileOffset: offset, lines: false)
            let name = ours.function?.function.map { String(decoding: $0, as: UTF8.self) }
            let expected = oracle[index].first?.function
            if name == "hidden_helper" { hidden += 1 }
            let start = ours.function?.offset.map { segments.address(ofFileOffset: offset)! - $0 }
            if name == expected || (name != nil && expected != nil && addressOf[name!] == addressOf[expected!] && start == addressOf[name!]) {
                agreement.frames += 1
            } else {
                agreement.mismatches.append("\(AddressText.format(offset)): ours \(name ?? "??"), llvm on the unstripped file \(expected ?? "??")")
            }
        }
        #expect(hidden > 0, "a static function only MiniDebugInfo names")
        Self.check(agreement, "MiniDebugInfo library against the unstripped library")
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

/// Names: C++ and Swift, raw and demangled, against llvm-symbolizer,
/// c++filt and swift-demangle; and frames against addr2line -f -i.
@Suite struct SymbolNameOracleTests {
    typealias Agreement = SymbolizerOracleTests.Agreement

    static func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "??" }

    /// Our out-of-line function names at sampled offsets, raw and demangled.
    static func names(path: String, count: Int, seed: UInt64) throws -> (addresses: [UInt64], raw: [String], demangled: [String]) {
        let segments = try ReadelfSegments(path: path)
        let offsets = try segments.sampleOffsets(path: path, count: count, seed: seed)
        let buildID = try #require(try ELFFile(source: ELFSource(file: ReadOnlyFile(path: path))).buildID())
        let raw = Symbolizer(search: SymbolizerOracleTests.noSearch, demangle: false)
        let demangled = Symbolizer(search: SymbolizerOracleTests.noSearch, demangle: true)
        var names: (addresses: [UInt64], raw: [String], demangled: [String]) = ([], [], [])
        for offset in offsets {
            let plain = raw.symbolize(buildID: buildID, path: MappedPath(path), fileOffset: offset, lines: false)
            let nice = demangled.symbolize(buildID: buildID, path: MappedPath(path), fileOffset: offset, lines: false)
            guard let function = plain.function?.function else { continue }
            names.addresses.append(segments.address(ofFileOffset: offset)!)
            names.raw.append(text(function))
            names.demangled.append(text(nice.function?.function))
        }
        return names
    }

    /// Frames against llvm-symbolizer with raw names (LLVM's demangler
    /// prints names its own way: ">>", "'lambda'", "(.isra.0)"); demangled
    /// names against c++filt, which is libiberty, the code of libstdc++'s
    /// __cxa_demangle.
    @Test func cxxNamesAsLLVMSymbolizerAndCxxfiltGiveThem() throws {
        let files = try SymbolTestFiles.files.get()
        SymbolizerOracleTests.check(try SymbolizerOracleTests.compareWithLLVM(path: files.cxx, demangle: false, count: 600, seed: 5),
                                    "C++ library, --no-demangle, inlines")
        // __cxa_demangle against c++filt (libiberty), name by name.
        let names = try Self.names(path: files.cxx, count: 600, seed: 6)
        let filtered = try SymbolOracle.cxxfilt(names.raw)
        var agreement = Agreement()
        var mangled = 0
        for index in names.raw.indices {
            agreement.addresses += 1
            if names.raw[index].hasPrefix("_Z") { mangled += 1 }
            if names.demangled[index] == filtered[index] { agreement.frames += 1 } else {
                agreement.mismatches.append("\(names.raw[index]): ours \(names.demangled[index]), c++filt \(filtered[index])")
            }
        }
        #expect(mangled > 20, "the library has C++ names")
        SymbolizerOracleTests.check(agreement, "C++ names against c++filt")
    }

    @Test func swiftNamesOfLibswiftCore() throws {
        let path = "/opt/swift/usr/lib/swift/linux/libswiftCore.so"
        guard FileManager.default.fileExists(atPath: path) else { return }
        // Raw names and offsets against llvm-symbolizer --no-demangle.
        SymbolizerOracleTests.check(try SymbolizerOracleTests.compareWithLLVM(path: path, lines: false, demangle: false, count: 1000, seed: 7),
                                    "libswiftCore, raw names")
        // swift_demangle against swift-demangle, name by name.
        let names = try Self.names(path: path, count: 1000, seed: 8)
        let demangled = try SymbolOracle.swiftDemangle(names.raw)
        var agreement = Agreement()
        var swift = 0
        for index in names.raw.indices where Demangler.isSwift(Array(names.raw[index].utf8)) {
            agreement.addresses += 1
            swift += 1
            if names.demangled[index] == demangled[index] { agreement.frames += 1 } else {
                agreement.mismatches.append("\(names.raw[index]): ours \(names.demangled[index]), swift-demangle \(demangled[index])")
            }
        }
        #expect(swift > 100, "libswiftCore has Swift names")
        SymbolizerOracleTests.check(agreement, "Swift names against swift-demangle")
    }

    /// addr2line -f -i names functions from DWARF (the out-of-line one too,
    /// where llvm-symbolizer and vmasnap take the symbol table's, which adds
    /// GCC's clone suffixes such as ".cold" and may pick another alias of the
    /// same address) and joins paths its own way: the inlined frames' names,
    /// the out-of-line name without its clone suffix (or an alias), and each
    /// frame's file name and line are compared.
    @Test func framesAsAddr2lineGivesThem() throws {
        let files = try SymbolTestFiles.files.get()
        for (path, name) in [(files.inlined, "gcc -O2 library"), (files.pie, "PIE executable"), (files.cxx, "C++ library")] {
            let segments = try ReadelfSegments(path: path)
            let offsets = try segments.sampleOffsets(path: path, count: 500, seed: 9)
            let addresses = offsets.map { segments.address(ofFileOffset: $0)! }
            let oracle = try SymbolOracle.addr2line(object: path, addresses: addresses)
            let symbolizer = Symbolizer(search: SymbolizerOracleTests.noSearch)
            let buildID = try #require(try ELFFile(source: ELFSource(file: ReadOnlyFile(path: path))).buildID())
            // Demangled symbol names and their addresses, for aliases.
            var addressOf: [String: UInt64] = [:]
            for line in try CommandResult.run(["-C", "--defined-only", path], executable: "/usr/bin/nm").lines {
                let fields = line.split(separator: " ", maxSplits: 2)
                if fields.count == 3, let address = UInt64(fields[0], radix: 16) { addressOf[String(fields[2])] = address }
            }
            var agreement = Agreement()
            for (index, offset) in offsets.enumerated() {
                let ours = symbolizer.symbolize(buildID: buildID, path: MappedPath(path), fileOffset: offset).frames
                let theirs = oracle[index]
                // Without DWARF for the address, addr2line falls back to its
                // own symbol search, and it names the padding after a
                // function after it (llvm-symbolizer and vmasnap say "??"):
                // only answers with a function and a source line count.
                guard theirs.first?.file != nil, ours.first?.file != nil, ours.last?.function != nil else { continue }
                agreement.addresses += 1
                func base(_ file: String?) -> String? { file.map { String($0.split(separator: "/").last ?? "") } }
                // GCC's clones: "f.cold" raw, "f() [clone .cold]" demangled.
                func unsuffixed(_ name: String) -> String {
                    if let clone = name.range(of: " [clone ") { return String(name[..<clone.lowerBound]) }
                    return String(name.prefix { $0 != "." })
                }
                var problem: String?
                if ours.count != theirs.count { problem = "frame count" }
                for frame in 0..<min(ours.count, theirs.count) where problem == nil {
                    let mine = Self.text(ours[frame].function)
                    let other = theirs[frame].function ?? "??"
                    let alias = addressOf[mine] != nil && addressOf[mine] == addressOf[other]
                    let sameName = frame == ours.count - 1 ? unsuffixed(mine) == unsuffixed(other) || alias : mine == other
                    if !sameName || base(ours[frame].file.map { Self.text($0) }) != base(theirs[frame].file) || ours[frame].line != theirs[frame].line {
                        problem = "frame \(frame)"
                    }
                }
                if let problem {
                    agreement.mismatches.append("\(AddressText.format(addresses[index])) \(problem): ours "
                        + ours.map { "\(Self.text($0.function)) \(Self.text($0.file)):\($0.line ?? -1)" }.joined(separator: ", ") + "; addr2line \(theirs)")
                } else {
                    agreement.frames += ours.count
                }
            }
            SymbolizerOracleTests.check(agreement, "\(name) against addr2line -f -i")
        }
    }
}
