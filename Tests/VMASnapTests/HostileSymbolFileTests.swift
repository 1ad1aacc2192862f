import Foundation
import Testing
@testable import VMASnap
import FuzzEntryPoints

/// Damaged and malicious ELF files for the symbol-table reader and the
/// symbolizer: each field a table depends on, set to what a hostile file
/// would put there; truncations; random damage. Every case gives an error,
/// a missing part or a smaller table, never a trap or a read out of bounds;
/// the DWARF reader is given the damaged files too.
@Suite struct HostileSymbolFileTests {
    /// A real library with .symtab, .dynsym and DWARF, and where its
    /// section headers are.
    struct Image {
        var bytes: [UInt8]
        var sectionHeaders: Int
        var entrySize: Int
        var symbolTableIndex: Int

        init() throws {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try SymbolTestFiles.files.get().inlined)))
            let elf = try ELFFile(bytes: bytes)
            sectionHeaders = Int(elf.header.sectionHeaderOffset)
            entrySize = elf.header.sectionHeaderEntrySize
            symbolTableIndex = try #require(elf.sections.firstIndex { $0.type == ELFSection.symbolTableType })
        }

        /// Writes `value` little-endian over `size` bytes at `offset`.
        func with(_ value: UInt64, at offset: Int, size: Int) -> [UInt8] {
            var copy = bytes
            for index in 0..<size { copy[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
            return copy
        }

        /// The offset of a field of the .symtab section header (ELF64).
        func symbolTableField(_ field: Int) -> Int { sectionHeaders + symbolTableIndex * entrySize + field }
    }

    /// Reads `bytes` as the symbolizer does: headers, build ID, symbol tables,
    /// a table built and looked up, DWARF.
    static func read(_ bytes: [UInt8]) -> (table: SymbolTable?, error: Error?) {
        FuzzEntryPoints.exerciseELF(bytes)
        do {
            let elf = try ELFFile(bytes: bytes)
            let table = SymbolTable(elf: elf, symbols: try elf.preferredSymbolTable(), buildID: elf.buildID())
            return (table, nil)
        } catch {
            return (nil, error)
        }
    }

    @Test func symbolTableHeaderFieldsOutOfBounds() throws {
        let image = try Image()
        let good = Self.read(image.bytes)
        #expect(good.table != nil && good.table!.count > 5)
        // sh_size: more entries than read, or past the end of the file.
        let huge = Self.read(image.with(1 << 62, at: image.symbolTableField(32), size: 8))
        #expect(huge.error as? ELFError == .tooLarge(.symbolTable, (1 << 62) / 24, limit: UInt64(ELFFile.symbolLimit)))
        let pastEnd = Self.read(image.with(1 << 20, at: image.symbolTableField(32), size: 8))
        let symtabOffset = try ELFFile(bytes: image.bytes).sections[image.symbolTableIndex].fileOffset
        #expect(pastEnd.error as? ELFError == .outOfBounds(.symbolTable, offset: symtabOffset, size: 1 << 20))
        // sh_offset: past the end.
        #expect(Self.read(image.with(1 << 40, at: image.symbolTableField(24), size: 8)).error is ELFError)
        // sh_link: no such section, or not a string table.
        #expect(Self.read(image.with(9999, at: image.symbolTableField(40), size: 4)).error as? ELFError == .badLink(.symbolTable, index: 9999))
        #expect(Self.read(image.with(UInt64(image.symbolTableIndex), at: image.symbolTableField(40), size: 4)).error is ELFError)
        // sh_entsize: smaller than a symbol.
        #expect(Self.read(image.with(1, at: image.symbolTableField(56), size: 8)).error as? ELFError == .badEntrySize(.symbolTable, 1))
        // A size that is not a multiple of the entry size reads the whole entries.
        let ragged = Self.read(image.with(UInt64(24 * 3 + 5), at: image.symbolTableField(32), size: 8))
        #expect(ragged.table != nil && ragged.table!.count <= 2)
    }

    @Test func symbolsPointingAnywhere() throws {
        let image = try Image()
        let elf = try ELFFile(bytes: image.bytes)
        let symtab = elf.sections[image.symbolTableIndex]
        let count = Int(symtab.size / 24)
        // Every name offset out of bounds: no function has a name to keep.
        var names = image.bytes
        var indexes = image.bytes
        var values = image.bytes
        for index in 1..<count {
            let entry = Int(symtab.fileOffset) + index * 24
            for byte in 0..<4 { names[entry + byte] = 0xF0 }
            indexes[entry + 6] = 0xFF  // SHN_XINDEX, without an extended index table
            indexes[entry + 7] = 0xFF
            for byte in 8..<16 { values[entry + byte] = 0xFF }  // st_value near 2^64
        }
        #expect(Self.read(names).table?.count == 0)
        #expect(Self.read(indexes).table?.count == 0)
        let wrapped = try #require(Self.read(values).table)
        _ = wrapped.function(containing: .max)
        _ = wrapped.function(containing: 0)
    }

    @Test func sectionHeaderTableFieldsOutOfBounds() throws {
        let image = try Image()
        // e_shoff past the end.
        #expect(Self.read(image.with(1 << 50, at: 40, size: 8)).error is ELFError)
        // e_shnum 0: the count is in section 0's sh_size, here huge.
        var extended = image.with(0, at: 60, size: 2)
        for index in 0..<8 { extended[image.sectionHeaders + 32 + index] = 0xFF }
        #expect(Self.read(extended).error is ELFError)
        // e_shstrndx SHN_XINDEX: the index is in section 0's sh_link, here absent.
        var names = image.with(0xFFFF, at: 62, size: 2)
        for index in 0..<4 { names[image.sectionHeaders + 40 + index] = 0x7F }
        let unnamed = Self.read(names)
        #expect(unnamed.error == nil)
        // e_shentsize too small.
        #expect(Self.read(image.with(8, at: 58, size: 2)).error as? ELFError == .badEntrySize(.sectionHeaders, 8))
        // e_phnum PN_XNUM with section 0's sh_info huge.
        var programs = image.with(0xFFFF, at: 56, size: 2)
        for index in 0..<4 { programs[image.sectionHeaders + 44 + index] = 0xFF }
        #expect(Self.read(programs).error is ELFError)
    }

    @Test func truncationsAndRandomDamage() throws {
        let image = try Image()
        // Cut at many lengths, the section headers and tables among them.
        var generator = SeededGenerator(seed: 31)
        var lengths = Array(stride(from: 0, to: image.bytes.count, by: max(1, image.bytes.count / 300)))
        lengths += (0..<50).map { _ in Int.random(in: 0..<image.bytes.count, using: &generator) }
        for length in lengths { _ = Self.read(Array(image.bytes.prefix(length))) }
        // Random bytes over the headers, the section headers and the rest.
        let regions = [0..<64, image.sectionHeaders..<image.bytes.count, 64..<image.sectionHeaders]
        for round in 0..<600 {
            var damaged = image.bytes
            let region = regions[round % regions.count]
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                damaged[Int.random(in: region, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = Self.read(damaged)
        }
    }

    /// A hostile file at the recorded path with the right build ID: the
    /// symbolizer answers from what it can read, and never traps.
    @Test func symbolizerOnDamagedFiles() throws {
        let image = try Image()
        let path = TestLibraries.directory.appendingPathComponent("hostile-symbols.so").path
        let buildID = try #require(BuildID(hex: "5e5e0003"))
        let broken = image.with(9999, at: image.symbolTableField(40), size: 4)
        try Data(broken).write(to: URL(fileURLWithPath: path))
        let symbolizer = Symbolizer(search: SymbolizerOracleTests.noSearch)
        // .symtab is unreadable: .dynsym names the exported functions.
        guard case .found(let file) = symbolizer.symbolFile(buildID: buildID, path: MappedPath(path)) else {
            Issue.record("no symbols from .dynsym"); return
        }
        #expect(file.table.count > 0)
        for offset in stride(from: UInt64(0), to: UInt64(image.bytes.count), by: 97) { _ = file.symbolize(fileOffset: offset, lines: true) }
    }
}
