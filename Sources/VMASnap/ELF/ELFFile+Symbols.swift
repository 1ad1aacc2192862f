extension ELFFile {
    /// The most entries read from one symbol table.
    public static let symbolLimit = 1 << 24

    /// The symbol table a symbolizer uses: .symtab when the file has one
    /// with entries, else .dynsym, as llvm-symbolizer chooses.
    ///
    /// - Returns: The table, or nil when the file has neither.
    /// - Throws: `ELFError` when the chosen table is damaged.
    public func preferredSymbolTable() throws -> ELFSymbolTable? {
        if let full = try symbolTable(.full), full.count > 1 { return full }
        return try symbolTable(.dynamic)
    }

    /// The file's .symtab or .dynsym with its string table, every entry's
    /// section index resolved.
    ///
    /// - Parameter kind: Which table.
    /// - Returns: The table, or nil when the file has none (or has it as
    ///   SHT_NOBITS, as a separate debug file has .dynsym).
    /// - Throws: `ELFError` when its size, entry size, string table link or
    ///   extended index table is inconsistent with the file.
    public func symbolTable(_ kind: ELFSymbolTable.Kind) throws -> ELFSymbolTable? {
        let wanted = kind == .full ? ELFSection.symbolTableType : ELFSection.dynamicSymbolTableType
        guard let tableIndex = sections.firstIndex(where: { $0.type == wanted }) else { return nil }
        let table = sections[tableIndex]
        let is64 = header.is64
        let minimum = UInt64(ELFSymbol.entrySize(is64: is64))
        // Some linkers leave sh_entsize 0; the class gives the size then.
        let entrySize = table.entrySize == 0 ? minimum : table.entrySize
        guard entrySize >= minimum, entrySize <= 1024 else { throw ELFError.badEntrySize(.symbolTable, entrySize) }
        let count = table.size / entrySize
        guard count <= UInt64(ELFFile.symbolLimit) else {
            throw ELFError.tooLarge(.symbolTable, count, limit: UInt64(ELFFile.symbolLimit))
        }
        guard Int(table.link) < sections.count, table.link != 0,
              sections[Int(table.link)].type == ELFSection.stringTableType
        else { throw ELFError.badLink(.symbolTable, index: UInt64(table.link)) }
        let stringSection = sections[Int(table.link)]
        let bytes = try contents(of: table, as: .symbolTable)
        let strings = try contents(of: stringSection, as: .stringTable)
        let extended = try extendedIndexes(of: tableIndex, count: Int(count))

        return ELFSymbolTable(kind: kind, entries: bytes, count: Int(count), entrySize: Int(entrySize), is64: is64,
                              decoder: header.decoder, strings: strings, extendedIndexes: extended)
    }

    /// The SHT_SYMTAB_SHNDX table linked to symbol table `tableIndex`, if any.
    private func extendedIndexes(of tableIndex: Int, count: Int) throws -> [UInt32]? {
        guard let section = sections.first(where: { $0.type == ELFSection.extendedIndexType && Int($0.link) == tableIndex })
        else { return nil }
        let bytes = try contents(of: section, as: .extendedIndexes)
        let decoder = header.decoder
        let entries = min(count, bytes.count / 4)
        return bytes.withUnsafeBytes { raw in (0..<entries).map { decoder.u32(raw, $0 * 4) } }
    }
}
