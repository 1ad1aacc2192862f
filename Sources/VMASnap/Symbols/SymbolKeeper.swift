import SystemPackage

/// What `record --keep-symbols` stores of each mapped file: its symbol
/// table (`Formats/symbols.md`) as the symbolizer would read it from that
/// file, with its separate debug file's `.symtab` where one is found by
/// build ID, and with `lines` (`--keep-symbols=lines`) the line rows of its
/// DWARF. Names are stored as the symbol table has them (demangled when
/// read). The recorder calls it on a thread of its own.
///
///     recorder.symbolTableMaker = SymbolKeeper(lines: false, search: .standard())
public struct SymbolKeeper: SymbolTableMaking {
    /// Whether DWARF line rows are stored too.
    public var lines: Bool
    /// Where separate debug files are looked for, by build ID.
    public var search: SymbolSearchPaths

    /// A keeper.
    ///
    /// - Parameters:
    ///   - lines: Store source lines too (larger tables).
    ///   - search: Where to find debug files by build ID.
    public init(lines: Bool, search: SymbolSearchPaths = SymbolSearchPaths()) {
        self.lines = lines
        self.search = search
    }

    /// The table of the file open on `descriptor`, closed before returning.
    ///
    /// - Parameters:
    ///   - descriptor: The mapped file.
    ///   - buildID: Its recorded build ID; a file with another gives nil.
    /// - Returns: The serialized table, or nil when the file is not that
    ///   build's, or has neither symbols nor DWARF.
    public func symbolTable(of descriptor: FileDescriptor, buildID: BuildID) -> [UInt8]? {
        guard let file = try? ReadOnlyFile(owning: descriptor, name: "mapped file \(buildID)") else { return nil }
        let symbolizer = Symbolizer(search: search, demangle: false)
        guard case .found(let symbols) = symbolizer.symbolFile(opened: file, buildID: buildID) else { return nil }
        let table = symbols.storableTable(lines: lines)
        guard table.count > 0 || table.lines != nil else { return nil }
        return table.serialized()
    }
}
