extension RecordingReader {
    /// The symbol tables the recording stores (`record --keep-symbols`,
    /// SYMBOLS records, format 1.1), one per build ID, compressed: each is
    /// decoded only when `StoredSymbolTable.decoded()` is called. Empty for
    /// recordings made without `--keep-symbols`.
    public var storedSymbolTables: [StoredSymbolTable] { definitions.symbolTables }
}
