/// One section header, with its name resolved.
public struct ELFSection: Hashable, Sendable {
    /// The name from the section name table (empty when it has none or it
    /// cannot be read).
    public var name: [UInt8]
    /// sh_type: SHT_PROGBITS (1), SHT_SYMTAB (2), SHT_STRTAB (3), SHT_NOTE
    /// (7), SHT_NOBITS (8), SHT_DYNSYM (11), SHT_SYMTAB_SHNDX (18), ...
    public var type: UInt32
    /// sh_flags: SHF_ALLOC (2), SHF_EXECINSTR (4), SHF_COMPRESSED (0x800), ...
    public var flags: UInt64
    /// sh_addr: the section's ELF virtual address when it is allocated.
    public var address: UInt64
    /// sh_offset: where its bytes are in the file.
    public var fileOffset: UInt64
    /// sh_size: its size in bytes (none of them in the file for SHT_NOBITS).
    public var size: UInt64
    /// sh_link: a related section (a symbol table's string table).
    public var link: UInt32
    /// sh_info: extra information (a symbol table's first global symbol).
    public var info: UInt32
    /// sh_entsize: the size of one entry of a table.
    public var entrySize: UInt64

    /// SHT_SYMTAB: the full symbol table.
    public static let symbolTableType: UInt32 = 2
    /// SHT_STRTAB: a string table.
    public static let stringTableType: UInt32 = 3
    /// SHT_NOTE: notes.
    public static let noteType: UInt32 = 7
    /// SHT_NOBITS: occupies no file bytes (.bss, and the code in a separate debug file).
    public static let noBitsType: UInt32 = 8
    /// SHT_DYNSYM: the dynamic symbol table.
    public static let dynamicSymbolTableType: UInt32 = 11
    /// SHT_SYMTAB_SHNDX: extended section indexes of a symbol table.
    public static let extendedIndexType: UInt32 = 18
    /// SHF_ALLOC: the section is in memory at run time.
    public static let allocatedFlag: UInt64 = 2
    /// SHF_EXECINSTR: the section holds code.
    public static let executableFlag: UInt64 = 4
    /// SHF_COMPRESSED: the bytes are compressed (an Elf_Chdr first).
    public static let compressedFlag: UInt64 = 0x800

    /// Creates a section from its fields.
    public init(name: [UInt8], type: UInt32, flags: UInt64, address: UInt64, fileOffset: UInt64,
                size: UInt64, link: UInt32, info: UInt32, entrySize: UInt64) {
        self.name = name
        self.type = type
        self.flags = flags
        self.address = address
        self.fileOffset = fileOffset
        self.size = size
        self.link = link
        self.info = info
        self.entrySize = entrySize
    }

    /// Whether the section's bytes are in the file.
    public var hasFileBytes: Bool { type != ELFSection.noBitsType && type != 0 }
    /// Whether the section holds code.
    public var isExecutable: Bool { flags & ELFSection.executableFlag != 0 }
    /// Whether the section is in memory at run time.
    public var isAllocated: Bool { flags & ELFSection.allocatedFlag != 0 }

    /// Decodes the section header at `at` in `table`, with its name offset.
    static func decode(_ table: [UInt8], at: Int, is64: Bool, decoder: ELFFieldDecoder) -> (section: ELFSection, nameOffset: UInt32) {
        let section: ELFSection
        if is64 {
            section = ELFSection(
                name: [], type: decoder.u32(table, at + 4), flags: decoder.u64(table, at + 8),
                address: decoder.u64(table, at + 16), fileOffset: decoder.u64(table, at + 24),
                size: decoder.u64(table, at + 32), link: decoder.u32(table, at + 40),
                info: decoder.u32(table, at + 44), entrySize: decoder.u64(table, at + 56))
        } else {
            section = ELFSection(
                name: [], type: decoder.u32(table, at + 4), flags: UInt64(decoder.u32(table, at + 8)),
                address: UInt64(decoder.u32(table, at + 12)), fileOffset: UInt64(decoder.u32(table, at + 16)),
                size: UInt64(decoder.u32(table, at + 20)), link: decoder.u32(table, at + 24),
                info: decoder.u32(table, at + 28), entrySize: UInt64(decoder.u32(table, at + 36)))
        }
        return (section, decoder.u32(table, at))
    }

    /// The smallest section header of each class.
    static func minimumEntrySize(is64: Bool) -> Int { is64 ? 64 : 40 }
}
