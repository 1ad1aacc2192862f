import Foundation
import Testing
@testable import VMASnap

/// The symbol table's rules (one symbol per address, sizes, zero-size
/// symbols) and its serialized form: exact bytes, a round trip of real
/// files' tables, answers from a stored table equal to answers from the
/// file, and damaged bytes that give errors, never traps.
@Suite struct SymbolTableTests {
    static func function(_ start: UInt64, _ size: UInt64, _ name: String) -> SymbolTable.Function {
        SymbolTable.Function(start: start, size: size, name: Array(name.utf8))
    }

    static let segment = ELFSegment(type: ELFSegment.loadType, flags: 5, fileOffset: 0x1000, virtualAddress: 0x401000,
                                    fileSize: 0x2000, memorySize: 0x2000, alignment: 0x1000)

    @Test func aliasesSizesAndZeroSizeSymbolsAsLLVMSymbolizer() {
        let table = SymbolTable(buildID: BuildID([1, 2, 3]), segments: [Self.segment], functions: [
            Self.function(0x401000, 0x10, "first"),
            Self.function(0x401000, 0x20, "first_larger"),  // the largest at an address wins
            Self.function(0x401040, 0x10, "alias_a"),
            Self.function(0x401040, 0x10, "alias_b"),  // of equals, the last in the table
            Self.function(0x401080, 0, "unsized"),  // runs to the next symbol
            Self.function(0x4010c0, 0x8, "sized"),
        ])
        func name(_ address: UInt64) -> String? { table.function(containing: address).map { String(decoding: table.name(of: $0), as: UTF8.self) } }
        #expect(table.count == 4)
        #expect(name(0x400fff) == nil)
        #expect(name(0x401000) == "first_larger" && name(0x40101f) == "first_larger")
        #expect(name(0x401020) == nil)  // past a sized symbol: none, not an earlier one
        #expect(name(0x401040) == "alias_b")
        #expect(name(0x401080) == "unsized" && name(0x4010bf) == "unsized")
        #expect(name(0x4010c7) == "sized" && name(0x4010c8) == nil)
        // File offset 0x1000 is address 0x401000 (a fixed-address executable).
        #expect(table.virtualAddress(ofFileOffset: 0x1044) == 0x401044)
        #expect(table.virtualAddress(ofFileOffset: 0x3000) == nil)
    }

    /// The bytes of a small table, as Formats/symbols.md lays them out.
    @Test func serializedBytesFollowTheSpecification() throws {
        let table = SymbolTable(buildID: BuildID([0xAB, 0xCD]), segments: [Self.segment], functions: [
            Self.function(0x401000, 0x10, "f"),
            Self.function(0x401010, 0, "gh"),
        ])
        let expected: [UInt8] = Array("VMASYMB\0".utf8) + [1, 0]  // magic, version 1.0
            + [2, 0xAB, 0xCD]  // build ID
            + [1, 12, 1, 0x80, 0x20, 0x80, 0xA0, 0x80, 0x02, 0x80, 0x40, 0x80, 0x40, 5]  // segments: 1; offset, address, sizes, flags
            + [2, 13, 2, 0x80, 0xA0, 0x80, 0x02, 0x10, 0x10, 0, 1, 0x66, 2, 0x67, 0x68]  // functions: starts (deltas), sizes, names
        #expect(table.serialized() == expected)
        #expect(try SymbolTable(serialized: expected) == table)
    }

    @Test func realTablesRoundTrip() throws {
        let files = try SymbolTestFiles.files.get()
        var paths = [files.inlined, files.cxx, files.stripped, "/usr/lib/x86_64-linux-gnu/libc.so.6"]
        if FileManager.default.fileExists(atPath: "/opt/swift/usr/lib/swift/linux/libswiftCore.so") {
            paths.append("/opt/swift/usr/lib/swift/linux/libswiftCore.so")
        }
        for path in paths {
            let elf = try ELFFile(source: ELFSource(file: ReadOnlyFile(path: path)))
            let table = SymbolTable(elf: elf, symbols: try elf.preferredSymbolTable(), buildID: elf.buildID())
            let bytes = table.serialized()
            #expect(try SymbolTable(serialized: bytes) == table, "\(path)")
            #expect(table.count > 0)
            print("symbol table of \(path): \(table.count) functions, \(bytes.count) bytes serialized")
        }
    }

    /// A table stored with lines answers as the file did: the same function
    /// and offset everywhere, and the line table's file and line (what
    /// llvm-symbolizer --no-inlines prints) where DWARF has them, after the
    /// file is gone.
    @Test func storedTableAnswersAsTheFileDid() throws {
        let files = try SymbolTestFiles.files.get()
        let copy = TestLibraries.directory.appendingPathComponent("stored-copy.so").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: files.inlined, toPath: copy)
        let buildID = try #require(BuildID(hex: "5e5e0003"))
        let fromFile = Symbolizer(search: SymbolizerOracleTests.noSearch)
        guard case .found(let file) = fromFile.symbolFile(buildID: buildID, path: MappedPath(copy)) else {
            Issue.record("no symbols for the copy"); return
        }
        let stored = try SymbolTable(serialized: file.storableTable(lines: true).serialized())
        #expect(stored.lines != nil && stored.lines!.rows.count > 10)
        try FileManager.default.removeItem(atPath: copy)

        let fromStored = Symbolizer(search: SymbolizerOracleTests.noSearch)
        #expect(fromStored.symbolize(buildID: buildID, path: MappedPath(copy), fileOffset: 0x1000).missing == .notFound)
        fromStored.add(stored)
        let segments = try ReadelfSegments(path: files.inlined)
        let offsets = try segments.sampleOffsets(path: files.inlined, count: 300, seed: 11)
        let oracle = try SymbolOracle.llvm(object: files.inlined, addresses: offsets.map { segments.address(ofFileOffset: $0)! },
                                           inlines: false, extraArguments: ["--debug-file-directory=/nonexistent"])
        var agreeing = 0
        for (index, offset) in offsets.enumerated() {
            let then = file.symbolize(fileOffset: offset, lines: false).function
            let now = fromStored.symbolize(buildID: buildID, path: MappedPath(copy), fileOffset: offset).function
            #expect(now?.function == then?.function && now?.offset == then?.offset)
            let expected = oracle[index].first
            let text = now?.file.map { String(decoding: $0, as: UTF8.self) }
            #expect(text == expected?.file && (text == nil || now?.line == expected?.line),
                    "\(AddressText.format(offset)): stored \(text ?? "??"):\(now?.line ?? -1), llvm \(String(describing: expected))")
            if text == expected?.file { agreeing += 1 }
        }
        print("oracle stored table with lines against llvm-symbolizer --no-inlines: \(agreeing) of \(offsets.count) agree")
    }

    @Test func damagedBytesGiveErrorsNotTraps() throws {
        let files = try SymbolTestFiles.files.get()
        let elf = try ELFFile(source: ELFSource(file: ReadOnlyFile(path: files.inlined)))
        let table = SymbolTable(elf: elf, symbols: try elf.preferredSymbolTable(), buildID: elf.buildID())
        let bytes = table.serialized()
        // Every truncation is an error, but where it drops whole optional
        // sections after the functions.
        for length in 0..<bytes.count {
            if let shorter = try? SymbolTable(serialized: Array(bytes.prefix(length))) {
                #expect(shorter.functions.map(\.name) == table.functions.map(\.name) && shorter.segments == table.segments)
            }
        }
        // Flipped bytes: an error or a table, and a table answers lookups.
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<2000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if let table = try? SymbolTable(serialized: damaged) {
                for _ in 0..<16 {
                    if let index = table.function(containing: UInt64.random(in: 0..<0x4000, using: &generator)) {
                        _ = table.name(of: index)
                    }
                }
            }
        }
        // Another major version is refused by name.
        var later = bytes
        later[8] = 2
        #expect(throws: FormatError.self) { try SymbolTable(serialized: later) }
        // A section of a later minor version is skipped.
        var extended = bytes
        extended[9] = 1
        extended += [99, 3, 1, 2, 3]
        #expect(try SymbolTable(serialized: extended) == SymbolTable(serialized: bytes))
    }
}
