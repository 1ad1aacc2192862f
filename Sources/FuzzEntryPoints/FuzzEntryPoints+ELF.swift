import VMASnap

extension FuzzEntryPoints {
    /// Reads `image` as an ELF file the way a symbolizer does, every reader
    /// bounded: its build ID (the recorder's reader and the ELF reader's),
    /// headers, notes, debug link, offset-to-address mapping, symbol table;
    /// the table built from it, looked up, demangled and serialized (and
    /// read back equal); its DWARF through libdw; and the image itself as a
    /// serialized symbol table.
    ///
    /// - Returns: What the input gave: its build ID, headers, functions and
    ///   source locations (the replay tests compare these).
    @discardableResult
    public static func exerciseELF(_ image: [UInt8]) -> String {
        var outcome = "build ID "
        if let id = ELFBuildIDReader.buildID(in: image) {
            precondition(!id.bytes.isEmpty && id.bytes.count <= BuildID.maximumLength)
            outcome += id.description
        } else {
            outcome += "none"
        }
        if let stored = try? SymbolTable(serialized: image) { outcome += ", stored table of \(exercise(stored)) functions" }
        let elf: ELFFile
        do {
            elf = try ELFFile(bytes: image)
        } catch {
            return outcome + ", ELF: \(error)"
        }
        let buildID = elf.buildID()
        outcome += ", ELF: \(elf.programHeaders.count) program headers, \(elf.sections.count) sections"
        if let link = elf.debugLink() { precondition(!link.fileName.contains(UInt8(ascii: "/"))) }
        for segment in elf.loadSegments.prefix(8) {
            for offset in [segment.fileOffset, segment.fileOffset &+ segment.fileSize / 2, segment.fileOffset &+ segment.fileSize] {
                _ = elf.virtualAddress(ofFileOffset: offset)
            }
        }
        do {
            if let symbols = try elf.preferredSymbolTable() {
                let table = SymbolTable(elf: elf, symbols: symbols, buildID: buildID)
                outcome += ", \(exercise(table)) functions"
                precondition((try? SymbolTable(serialized: table.serialized())) == table, "a table reads back as it was written")
            } else {
                outcome += ", no symbol table"
            }
        } catch {
            outcome += ", symbol table: \(error)"
        }
        if elf.hasDebugInfo {
            do {
                let dwarf = try DWARFDebugInfo(image: image)
                var located = 0
                for section in elf.sections.prefix(64) where section.isExecutable {
                    for address in [section.address, section.address &+ section.size / 3, section.address &+ section.size / 2] {
                        if let location = dwarf.location(at: address) { located += location.frames.count }
                    }
                }
                outcome += ", DWARF: \(located) frames, \(dwarf.lineRows().rows.count) line rows"
            } catch {
                outcome += ", DWARF: error \((error as? DWARFError)?.code ?? -1)"
            }
        }
        return outcome
    }

    /// Lookups and names over a table, its first functions demangled;
    /// returns its function count.
    private static func exercise(_ table: SymbolTable) -> Int {
        for index in 0..<min(table.count, 64) {
            let start = table.start(of: index)
            for address in [start, start &+ table.size(of: index) / 2, start &- 1] {
                if let found = table.function(containing: address) { precondition(found < table.count) }
            }
            _ = Demangler.demangle(Array(table.name(of: index)))
        }
        for segment in table.segments.prefix(8) { _ = table.virtualAddress(ofFileOffset: segment.fileOffset) }
        return table.count
    }
}
