/// A symbol table (.symtab or .dynsym) and its string table, read whole
/// and decoded an entry at a time: a large library's table is a few MiB,
/// and its entries are read once to build a `SymbolTable`.
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
    /// The linked string table.
    public let strings: [UInt8]
    /// The number of entries (entry 0, the null symbol, included).
    public let count: Int
    private let entries: [UInt8]
    private let entrySize: Int
    private let is64: Bool
    private let decoder: ELFFieldDecoder
    /// SHT_SYMTAB_SHNDX: the section indexes of entries whose st_shndx is SHN_XINDEX.
    private let extendedIndexes: [UInt32]?

    /// A table of `count` entries of `entrySize` bytes in `entries`.
    init(kind: Kind, entries: [UInt8], count: Int, entrySize: Int, is64: Bool, decoder: ELFFieldDecoder,
         strings: [UInt8], extendedIndexes: [UInt32]?) {
        self.kind = kind
        self.entries = entries
        self.count = count
        self.entrySize = entrySize
        self.is64 = is64
        self.decoder = decoder
        self.strings = strings
        self.extendedIndexes = extendedIndexes
    }

    /// Entry `index`, its section index resolved (SHN_XINDEX through the
    /// extended index table; an entry it lacks reads as SHN_UNDEF).
    ///
    /// - Parameter index: From 0 to `count - 1`.
    public subscript(index: Int) -> ELFSymbol {
        entries.withUnsafeBytes { raw in symbol(raw, index) }
    }

    /// Calls `body` with every entry after the null symbol, in table order.
    ///
    /// - Parameter body: Given each entry.
    public func forEachSymbol(_ body: (ELFSymbol) throws -> Void) rethrows {
        try entries.withUnsafeBytes { raw in
            for index in 1..<max(1, count) { try body(symbol(raw, index)) }
        }
    }

    /// Every entry (entry 0 included), decoded.
    public var symbols: [ELFSymbol] { (0..<count).map { self[$0] } }

    private func symbol(_ raw: UnsafeRawBufferPointer, _ index: Int) -> ELFSymbol {
        let at = index * entrySize
        var symbol: ELFSymbol
        if is64 {
            symbol = ELFSymbol(
                nameOffset: decoder.u32(raw, at), value: decoder.u64(raw, at + 8), size: decoder.u64(raw, at + 16),
                info: raw[at + 4], other: raw[at + 5], sectionIndex: UInt32(decoder.u16(raw, at + 6)))
        } else {
            symbol = ELFSymbol(
                nameOffset: decoder.u32(raw, at), value: UInt64(decoder.u32(raw, at + 4)), size: UInt64(decoder.u32(raw, at + 8)),
                info: raw[at + 12], other: raw[at + 13], sectionIndex: UInt32(decoder.u16(raw, at + 14)))
        }
        if symbol.sectionIndex == ELFSymbol.extendedSection {
            if let extendedIndexes, index < extendedIndexes.count {
                symbol.sectionIndex = extendedIndexes[index]
            } else {
                symbol.sectionIndex = ELFSymbol.undefinedSection
            }
        }
        return symbol
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
            // memchr-speed search for the terminator.
            guard let base = buffer.baseAddress,
                  let found = UnsafeRawPointer(base + start).withMemoryRebound(to: UInt8.self, capacity: end - start, {
                      UnsafeBufferPointer(start: $0, count: end - start).firstIndex(of: 0)
                  })
            else { return nil }
            return start..<start + found
        }
    }
}
