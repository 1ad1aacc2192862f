/// A symbol table stored in a recording by `record --keep-symbols` (a
/// SYMBOLS record, format 1.1): the bytes of `Formats/symbols.md` for one
/// build ID, kept compressed until they are asked for.
public struct StoredSymbolTable: Hashable, Sendable {
    /// The build ID the table is stored for.
    public let buildID: BuildID
    /// The table's length once decompressed.
    public let decodedLength: UInt64
    /// The table as the file holds it: one zstd frame.
    public let compressed: [UInt8]

    /// What the table costs in the recording: its compressed bytes.
    public var storedLength: Int { compressed.count }

    /// A table as a reader finds it in a SYMBOLS record.
    init(buildID: BuildID, decodedLength: UInt64, compressed: [UInt8]) {
        self.buildID = buildID
        self.decodedLength = decodedLength
        self.compressed = compressed
    }

    /// A table to store: `table` compressed (zstd, the level frames use),
    /// which takes time in proportion to its length, so a recorder makes it
    /// away from its walks.
    ///
    /// - Parameters:
    ///   - buildID: The build ID of the file the table describes.
    ///   - table: The table's bytes (`Formats/symbols.md`), not empty.
    /// - Returns: nil when the table is empty, longer than a reader accepts
    ///   (1 GiB), or zstd fails.
    public init?(buildID: BuildID, table: [UInt8]) {
        guard !table.isEmpty, UInt64(table.count) <= FormatConstants.maximumSymbolTableLength,
              let compressed = ZstdCompressor(level: FormatConstants.compressionLevel).compress(table)
        else { return nil }
        self.init(buildID: buildID, decodedLength: UInt64(table.count), compressed: compressed)
    }

    /// The table's bytes (`SymbolTable(serialized:)` reads them).
    ///
    /// - Returns: The decompressed table.
    /// - Throws: `FormatError.Reason` when the stored bytes are not one
    ///   zstd frame of `decodedLength` bytes.
    public func decoded() throws -> [UInt8] {
        try ZstdDecompressor().decompress(compressed, decodedLength: Int(decodedLength))
    }
}
