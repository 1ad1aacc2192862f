import SystemPackage

/// Makes the symbol table that `record --keep-symbols` stores for a mapped
/// file (`Formats/symbols.md`). The recorder opens the file it maps (never
/// by path alone) and calls this away from its walks, on a thread of its
/// own; the symbolizer's `SymbolKeeper` is the implementation.
public protocol SymbolTableMaking: Sendable {
    /// The serialized symbol table of the file open on `descriptor`.
    ///
    /// - Parameters:
    ///   - descriptor: The mapped file, opened for reading; the maker closes
    ///     it before it returns.
    ///   - buildID: The build ID the recording has for it: a file with
    ///     another build ID gives no table.
    /// - Returns: The table's bytes, or nil when the file has nothing to name
    ///   code by (or is not the file with that build ID).
    func symbolTable(of descriptor: FileDescriptor, buildID: BuildID) -> [UInt8]?
}
