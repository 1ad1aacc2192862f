/// Source lines of a file as rows of a line table: from each row's address
/// up to the next row's, the code came from that file and line. Stored with
/// a `SymbolTable` when a recording keeps lines, so that lines survive the
/// file; tables read from files leave lines to DWARF.
public struct LineTable: Hashable, Sendable {
    /// One row.
    public struct Row: Hashable, Sendable {
        /// The first address of the row.
        public var address: UInt64
        /// The index of its file in `files`; nil ends a sequence (the
        /// addresses from here to the next row have no line).
        public var file: Int?
        /// The line (0: no line).
        public var line: Int

        /// Creates a row.
        public init(address: UInt64, file: Int?, line: Int) {
            self.address = address
            self.file = file
            self.line = line
        }
    }

    /// The source files, as paths.
    public let files: [[UInt8]]
    /// The rows, sorted by address.
    public let rows: [Row]

    /// A table of `rows` (sorted here by address; of rows at one address
    /// the last is kept) naming `files`. Rows naming a missing file end a
    /// sequence instead.
    public init(files: [[UInt8]], rows: [Row]) {
        self.files = files
        var sorted = rows.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }.map(\.element)
        var kept: [Row] = []
        kept.reserveCapacity(sorted.count)
        for index in sorted.indices {
            if let file = sorted[index].file, file < 0 || file >= files.count { sorted[index].file = nil }
            if kept.last?.address == sorted[index].address { kept[kept.count - 1] = sorted[index] } else { kept.append(sorted[index]) }
        }
        self.rows = kept
    }

    /// The file and line at `address`.
    ///
    /// - Parameter address: An ELF virtual address.
    /// - Returns: The row's file and line, or nil when the address is before
    ///   every row or in a gap after the end of a sequence.
    public func location(at address: UInt64) -> (file: [UInt8], line: Int)? {
        let low = rows.partitionPoint(where: { $0.address > address })
        guard low > 0, let file = rows[low - 1].file else { return nil }
        return (files[file], rows[low - 1].line)
    }
}
