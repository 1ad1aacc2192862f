/// One entry of an ELF symbol table.
public struct ELFSymbol: Hashable, Sendable {
    /// st_name: the name's offset in the table's string table.
    public var nameOffset: UInt32
    /// st_value: for a defined symbol of a shared object or executable, its
    /// ELF virtual address.
    public var value: UInt64
    /// st_size: its size in bytes (0 when unknown).
    public var size: UInt64
    /// st_info: type (low 4 bits) and binding (high 4 bits).
    public var info: UInt8
    /// st_other: visibility (low 2 bits).
    public var other: UInt8
    /// The index of the section it is defined in (SHN_XINDEX resolved
    /// through SHT_SYMTAB_SHNDX); 0 (SHN_UNDEF) for undefined symbols.
    public var sectionIndex: UInt32

    /// Creates a symbol from its fields.
    public init(nameOffset: UInt32, value: UInt64, size: UInt64, info: UInt8, other: UInt8, sectionIndex: UInt32) {
        self.nameOffset = nameOffset
        self.value = value
        self.size = size
        self.info = info
        self.other = other
        self.sectionIndex = sectionIndex
    }

    /// STT_*: the symbol's type.
    public var type: UInt8 { info & 0xF }
    /// STB_*: the symbol's binding.
    public var binding: UInt8 { info >> 4 }

    /// STT_NOTYPE: no type (common for functions written in assembly).
    public static let noType: UInt8 = 0
    /// STT_OBJECT: data.
    public static let objectType: UInt8 = 1
    /// STT_FUNC: a function.
    public static let functionType: UInt8 = 2
    /// STT_SECTION: a section's symbol.
    public static let sectionType: UInt8 = 3
    /// STT_FILE: a source file's name.
    public static let fileType: UInt8 = 4
    /// STT_GNU_IFUNC: an indirect function; its value is its resolver.
    public static let indirectFunctionType: UInt8 = 10
    /// STB_LOCAL.
    public static let localBinding: UInt8 = 0
    /// STB_WEAK.
    public static let weakBinding: UInt8 = 2

    /// SHN_UNDEF: not defined in this file.
    public static let undefinedSection: UInt32 = 0
    /// SHN_LORESERVE: the first reserved section index (SHN_ABS, SHN_COMMON, ...).
    public static let firstReservedSection: UInt32 = 0xFF00
    /// SHN_XINDEX: the section index is in the SHT_SYMTAB_SHNDX table.
    public static let extendedSection: UInt32 = 0xFFFF

    /// The size of one entry of each class.
    static func entrySize(is64: Bool) -> Int { is64 ? 24 : 16 }
}
