import Foundation
import Testing
@testable import VMASnap

/// The golden recording with a stored symbol table (Formats/golden/symbols.vmasnap,
/// a SYMBOLS record of format 1.1): the writer reproduces it byte for byte
/// (its table is zstd-compressed: Debian 12's libzstd, level 3), the reader
/// finds the table and decodes it to the one written, and the independent
/// decoder reads the same table from the spec alone.
///
/// To regenerate: `VMASNAP_UPDATE_GOLDEN=1 swift test --filter StoredSymbolsGoldenTests`.
@Suite struct StoredSymbolsGoldenTests {
    static let url = GoldenFileTests.directory.appendingPathComponent("symbols.vmasnap")

    /// libc's table: one R+X segment, `f` (16 bytes) and `gh` (size unknown).
    static let table = SymbolTable(buildID: GoldenFileTests.libc.buildID, segments: [SymbolTableTests.segment], functions: [
        SymbolTableTests.function(0x401000, 0x10, "f"),
        SymbolTableTests.function(0x401010, 0, "gh"),
    ])

    /// Round 1: app with its text and libc; libc's table, between rounds;
    /// round 2 unchanged; finished.
    static func write(to path: String) throws {
        let writer = try RecordingWriter(path: path, header: GoldenFileTests.header, compression: false)
        try writer.beginRound(time: GoldenFileTests.time(1))
        let app = try writer.processSeen(GoldenFileTests.app)
        _ = try writer.snapshot(process: app, mappings: [GoldenFileTests.appText, GoldenFileTests.libc])
        // Not inside a round, not for a build ID the recording lacks.
        #expect(throws: WriterError.self) { try writer.storeSymbols(StoredSymbolTable(buildID: GoldenFileTests.libc.buildID!, table: [1])!) }
        try writer.endRound()
        #expect(throws: WriterError.self) { try writer.storeSymbols(StoredSymbolTable(buildID: BuildID(hex: "ee")!, table: [1])!) }
        let stored = try #require(StoredSymbolTable(buildID: GoldenFileTests.libc.buildID!, table: table.serialized()))
        #expect(try writer.storeSymbols(stored))
        #expect(try !writer.storeSymbols(stored))  // once per build ID
        try writer.beginRound(time: GoldenFileTests.time(2))
        _ = try writer.snapshot(process: app, mappings: [GoldenFileTests.appText, GoldenFileTests.libc])
        try writer.endRound()
        #expect(writer.statistics.symbolTables == 1 && writer.statistics.symbolBytes == UInt64(stored.storedLength))
        try writer.finish()
    }

    @Test func writerReproducesItAndTheReaderFindsTheTable() throws {
        let path = RecordingReaderTests.temporaryPath("golden-symbols")
        try Self.write(to: path)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try GoldenFileTests.expectGolden(written, at: Self.url)

        let reader = try RecordingReader(path: Self.url.path)
        reader.verify()
        #expect(reader.readError == nil && reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.header.majorVersion == 2 && reader.header.minorVersion == 0)
        let tables = reader.storedSymbolTables
        try #require(tables.count == 1)
        #expect(tables[0].buildID == GoldenFileTests.libc.buildID)
        #expect(try SymbolTable(serialized: tables[0].decoded()) == Self.table)
        // The record iterator shows it too, and the snapshots read as without it.
        let records = Array(reader.records())
        #expect(records.contains { if case .symbols(let table) = $0 { return table == tables[0] } else { return false } })
        #expect(reader.summary.snapshots == 2)
        #expect(try reader.histories().first?.epochs.first?.mappings == [GoldenFileTests.appText, GoldenFileTests.libc])
    }

    /// Damaged table bytes are an error when decoded, not when the file is read.
    @Test func aDamagedTableFailsOnlyWhenDecoded() throws {
        var table = try #require(StoredSymbolTable(buildID: BuildID(hex: "ab")!, table: Self.table.serialized()))
        table = StoredSymbolTable(buildID: table.buildID, decodedLength: table.decodedLength, compressed: Array(table.compressed.dropLast(2)))
        #expect(throws: FormatError.Reason.self) { try table.decoded() }
        let symbolizer = Symbolizer(search: SymbolSearchPaths(systemDebugDirectory: nil))  // nothing found by build ID
        symbolizer.addStored(buildID: table.buildID) { (try? table.decoded()).flatMap { try? SymbolTable(serialized: $0) } }
        #expect(symbolizer.symbolize(buildID: table.buildID, path: MappedPath("/nonexistent/lib.so"), fileOffset: 0x1000).missing == .notFound)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python)
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")))
    func theIndependentDecoderReadsTheTable() throws {
        let result = try WalkthroughDecoderTests.dump("symbols.vmasnap")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains("MISMATCH"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("record 0x07 SYMBOLS"))
        #expect(result.standardOutput.contains("build ID 00112233445566778899aabbccddeeff00112233 (the record's)"))
        #expect(result.standardOutput.contains("function 0x401000, size 16: f"))
        #expect(result.standardOutput.contains("function 0x401010, size 0: gh"))
        // The walk-through shows this part of the dump.
        let document = try WalkthroughDecoderTests.walkthrough()
        let from = result.standardOutput.split(separator: "\n").drop { !$0.contains("0x07 SYMBOLS") }
        let part = from.prefix { !$0.contains("function 0x401010") }.joined(separator: "\n")
        #expect(part.contains("function 0x401000") && document.contains(part))
    }
}
