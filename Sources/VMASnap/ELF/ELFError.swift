/// Why an ELF file could not be read. Every size, offset and count in the
/// file is checked against the file before it is used: a hostile or damaged
/// file gives one of these, never a trap or a read past its end.
public enum ELFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file does not start with an ELF header of a known class and byte order.
    case notELF
    /// A structure lies (partly) past the end of the file.
    case outOfBounds(ELFStructure, offset: UInt64, size: UInt64)
    /// A table's entries are smaller than its class requires (or, for a
    /// symbol table, implausibly large).
    case badEntrySize(ELFStructure, UInt64)
    /// A count or size beyond what vmasnap reads.
    case tooLarge(ELFStructure, UInt64, limit: UInt64)
    /// A section refers to a section that does not exist or has the wrong type.
    case badLink(ELFStructure, index: UInt64)
    /// Reading the file failed or came back short.
    case unreadable(ELFStructure)

    /// One line, such as "the symbol table lies past the end of the file (offset 0x1000, 4096 bytes)".
    public var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case .outOfBounds(let structure, let offset, let size):
            return "the \(structure) lies past the end of the file (offset \(Hex.address(offset)), \(size) bytes)"
        case .badEntrySize(let structure, let size):
            return "the \(structure) has entries of \(size) bytes, a size its class does not allow"
        case .tooLarge(let structure, let value, let limit):
            return "the \(structure) is too large (\(value), at most \(limit))"
        case .badLink(let structure, let index):
            return "the \(structure) links to section \(index), which is missing or of the wrong type"
        case .unreadable(let structure):
            return "cannot read the \(structure)"
        }
    }
}

/// The part of an ELF file an `ELFError` is about.
public enum ELFStructure: String, Hashable, Sendable, CustomStringConvertible {
    /// The ELF header.
    case header = "file header"
    /// The program headers.
    case programHeaders = "program header table"
    /// The section headers.
    case sectionHeaders = "section header table"
    /// The section holding section names.
    case sectionNames = "section name table"
    /// A PT_NOTE segment or SHT_NOTE section.
    case notes = "notes"
    /// .symtab or .dynsym.
    case symbolTable = "symbol table"
    /// A symbol table's string table.
    case stringTable = "string table"
    /// SHT_SYMTAB_SHNDX.
    case extendedIndexes = "extended section index table"
    /// .gnu_debuglink.
    case debugLink = ".gnu_debuglink section"
    /// Any other section's bytes.
    case section = "section"

    /// The structure's name in an error message.
    public var description: String { rawValue }
}
