import VMASnap

extension FuzzEntryPoints {
    /// Reads `image` as an ELF file the way a symbolizer does, every reader
    /// bounded: its build ID (the recorder's reader and the ELF reader's),
    /// headers, notes, debug link, offset-to-address mapping, symbol table;
    /// the table built from it, looked up, demangled and serialized (and
    /// read back equal); its DWARF through libdw; and the image itself as a
    /// serialized symbol table.
    public static func exerciseELF(_ image: [UInt8]) {
        if let id = ELFBuildIDReader.buildID(in: image) {
            precondition(!id.bytes.isEmpty && id.bytes.count <= BuildID.maximumLength)
        }
        if let stored = try? SymbolTable(serialized: image) { exercise(stored) }
        guard let elf = try? ELFFile(bytes: image) else { return }
        let buildID = elf.buildID()
        if let link = elf.debugLink() { precondition(!link.fileName.contains(UInt8(ascii: "/"))) }
        for segment in elf.loadSegments.prefix(8) {
            for offset in [segment.fileOffset, segment.fileOffset &+ segment.fileSize / 2, segment.fileOffset &+ segment.fileSize] {
                _ = elf.virtualAddress(ofFileOffset: offset)
            }
        }
        if let symbols = try? elf.preferredSymbolTable() {
            let table = SymbolTable(elf: elf, symbols: symbols, buildID: buildID)
            exercise(table)
            precondition((try? SymbolTable(serialized: table.serialized())) == table, "a table reads back as it was written")
        }
        if elf.hasDebugInfo, let dwarf = try? DWARFDebugInfo(image: image) {
            for section in elf.sections.prefix(64) where section.isExecutable {
                for address in [section.address, section.address &+ section.size / 3, section.address &+ section.size / 2] {
                    _ = dwarf.location(at: address)
                }
            }
            _ = dwarf.lineRows()
        }
    }

    /// Lookups and names over a table, its first functions demangled.
    private static func exercise(_ table: SymbolTable) {
        for index in 0..<min(table.count, 64) {
            let start = table.start(of: index)
            for address in [start, start &+ table.size(of: index) / 2, start &- 1] {
                if let found = table.function(containing: address) { precondition(found < table.count) }
            }
            _ = Demangler.demangle(Array(table.name(of: index)))
        }
        for segment in table.segments.prefix(8) { _ = table.virtualAddress(ofFileOffset: segment.fileOffset) }
    }
}
