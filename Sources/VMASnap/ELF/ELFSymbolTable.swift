/// A symbol table (.symtab or .dynsym) and its string table, read whole.
public struct ELFSymbolTable: Sendable {
    /// Which table of the file this is.
    public enum Kind: Hashable, Sendable {
        /// SHT_SYMTAB (.symtab): every symbol, local ones included.
        case full
        /// SHT_DYNSYM (.dynsym): the symbols the dynamic linker needs; all
        /// that a stripped file keeps.
        case dynamic
    }

    /// The table's kind.
    public let kind: Kind
    /// The entries, in table order (entry 0, the null symbol, included).
    public let symbols: [ELFSymbol]
    /// The linked string table.
    public let strings: [UInt8]

    /// Creates a table.
    public init(kind: Kind, symbols: [ELFSymbol], strings: [UInt8]) {
        self.kind = kind
        self.symbols = symbols
        self.strings = strings
    }

    /// The name of `symbol`: the bytes of its NUL-terminated string.
    ///
    /// - Parameter symbol: An entry of this table.
    /// - Returns: The name's range in `strings`, or nil when its offset is out
    ///   of bounds or the string is unterminated or too long.
    public func nameRange(of symbol: ELFSymbol) -> Range<Int>? {
        let start = Int(symbol.nameOffset)
        guard start < strings.count else { return nil }
        let end = min(strings.count, start + ELFFile.nameLimit + 1)
        return strings.withUnsafeBufferPointer { buffer in
            var index = start
            while index < end {
                if buffer[index] == 0 { return start..<index }
                index += 1
            }
            return nil
        }
    }
}
