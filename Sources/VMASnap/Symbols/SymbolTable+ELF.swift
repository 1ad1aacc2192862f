extension SymbolTable {
    /// The functions of an ELF file's symbol table, chosen as
    /// llvm-symbolizer chooses code symbols: defined symbols of type
    /// STT_FUNC, STT_GNU_IFUNC (named at its resolver, where the value
    /// points), STT_NOTYPE (assembly) and STT_OBJECT, in an allocated section;
    /// not section, file or architecture mapping symbols ("$x", "$d", ...).
    /// One difference: only symbols in executable sections are kept, so a
    /// code address is never named after data and the table stays small.
    ///
    /// - Parameters:
    ///   - elf: The file whose segments map offsets (its program headers).
    ///   - symbols: Its symbol table, or that of a separate debug file for
    ///     it (the debug file's section headers describe the same sections).
    ///   - sections: The section headers the symbols refer to (`elf`'s by
    ///     default).
    ///   - buildID: The build ID.
    public init(elf: ELFFile, symbols: ELFSymbolTable?, sections: [ELFSection]? = nil, buildID: BuildID?) {
        let sections = sections ?? elf.sections
        var functions: [Function] = []
        if let symbols {
            functions.reserveCapacity(symbols.symbols.count)
            let machine = elf.header.machine
            // Local symbols follow the STT_FILE symbol of their source file.
            var sourceFile: [UInt8]?
            for symbol in symbols.symbols.dropFirst() {
                if symbol.type == ELFSymbol.fileType {
                    sourceFile = symbols.nameRange(of: symbol).map { Array(symbols.strings[$0]) }
                    continue
                }
                switch symbol.type {
                case ELFSymbol.functionType, ELFSymbol.indirectFunctionType, ELFSymbol.noType, ELFSymbol.objectType: break
                default: continue
                }
                let section = Int(symbol.sectionIndex)
                guard symbol.sectionIndex != ELFSymbol.undefinedSection, symbol.sectionIndex < ELFSymbol.firstReservedSection,
                      section < sections.count, sections[section].isAllocated, sections[section].isExecutable,
                      let range = symbols.nameRange(of: symbol)
                else { continue }
                let name = Array(symbols.strings[range])
                if SymbolTable.isMappingSymbol(name, machine: machine) { continue }
                var value = symbol.value
                // ARM Thumb functions have bit 0 set in their value.
                if machine == SymbolTable.armMachine && symbol.type == ELFSymbol.functionType { value &= ~1 }
                let file = symbol.binding == ELFSymbol.localBinding ? sourceFile : nil
                functions.append(Function(start: value, size: symbol.size, name: name, sourceFile: file?.isEmpty == false ? file : nil))
            }
        }
        self.init(buildID: buildID, segments: elf.programHeaders, functions: functions)
    }

    static let armMachine: UInt16 = 40
    static let aarch64Machine: UInt16 = 183
    static let riscvMachine: UInt16 = 243

    /// Whether `name` is a mapping symbol of the architecture (marking code
    /// or data within a section, not naming anything): by prefix, as LLVM
    /// tells them ("$x", "$d.12").
    static func isMappingSymbol(_ name: [UInt8], machine: UInt16) -> Bool {
        guard name.count >= 2, name[0] == UInt8(ascii: "$") else { return false }
        let kind = name[1]
        switch machine {
        case armMachine: return kind == UInt8(ascii: "a") || kind == UInt8(ascii: "d") || kind == UInt8(ascii: "t")
        case aarch64Machine, riscvMachine: return kind == UInt8(ascii: "d") || kind == UInt8(ascii: "x")
        default: return false
        }
    }
}
