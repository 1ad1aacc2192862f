extension RecordingWriter {
    /// Stores the symbol table of a build ID the recording has defined (a
    /// SYMBOLS record, format 1.1; `record --keep-symbols`): between two
    /// rounds, it writes what waits as a frame, then the table in a frame of
    /// its own, stored as it is (it is compressed already).
    ///
    /// - Parameter table: The table, made with `StoredSymbolTable(buildID:table:)`.
    /// - Returns: false, writing nothing, when the build ID already has a table.
    /// - Throws: `WriterError.invalidSymbols` inside a round, for a build ID
    ///   no mapping recorded has, or a table larger than a frame may hold;
    ///   `.system` when a write fails; `.closed` after `finish()`.
    @discardableResult
    public func storeSymbols(_ table: StoredSymbolTable) throws -> Bool {
        try checkOpen()
        guard roundTime == nil else { throw WriterError.invalidSymbols("inside a round") }
        guard let number = buildIDNumbers[table.buildID] else {
            throw WriterError.invalidSymbols("build ID \(table.buildID) is not in the recording")
        }
        guard storedSymbols.insert(number).inserted else { return false }
        let record = Record.symbols(buildID: number, decodedLength: table.decodedLength, compressed: table.compressed)
        guard record.encodedLength + 32 <= FormatConstants.maximumDecodedLength else {
            storedSymbols.remove(number)
            throw WriterError.invalidSymbols("\(table.storedLength) bytes, more than a frame may hold")
        }
        // What waits (the build ID's definition among it) goes first, in a
        // frame zstd may compress; the table then in a frame of its own, stored.
        try flush()
        emit(record)
        try flush(compressing: false)
        statistics.symbolTables += 1
        statistics.symbolBytes += UInt64(table.storedLength)
        return true
    }
}
