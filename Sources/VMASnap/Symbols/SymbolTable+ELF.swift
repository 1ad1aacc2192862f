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
        self.init(elf: elf, tables: symbols.map { [(symbols: $0, sections: sections ?? elf.sections)] } ?? [], buildID: buildID)
    }

    /// The functions of several symbol tables of one file merged, as
    /// `init(elf:symbols:sections:buildID:)` chooses them (used for a file's
    /// .dynsym with the .symtab of its MiniDebugInfo, which holds only the
    /// functions .dynsym lacks).
    ///
    /// - Parameters:
    ///   - elf: The file whose segments map offsets.
    ///   - tables: Symbol tables, each with the section headers it refers to.
    ///   - buildID: The build ID.
    public init(elf: ELFFile, tables: [(symbols: ELFSymbolTable, sections: [ELFSection])], buildID: BuildID?) {
        // The candidates' names are ranges of the string tables themselves
        // (one after another when there are several).
        var builder = Builder(names: tables.count == 1 ? tables[0].symbols.strings : tables.flatMap(\.symbols.strings))
        let machine = elf.header.machine
        var base = 0
        for (symbols, sections) in tables {
            builder.candidates.reserveCapacity(builder.candidates.count + symbols.count)
            // Local symbols follow the STT_FILE symbol of their source file.
            var sourceFile = Builder.noFile
            symbols.strings.withUnsafeBufferPointer { strings in
                symbols.forEachSymbol { symbol in
                    if symbol.type == ELFSymbol.fileType {
                        sourceFile = Builder.noFile
                        if let range = symbols.nameRange(of: symbol), !range.isEmpty {
                            sourceFile = UInt32(builder.sourceFiles.count)
                            builder.sourceFiles.append(Array(strings[range]))
                        }
                        return
                    }
                    switch symbol.type {
                    case ELFSymbol.functionType, ELFSymbol.indirectFunctionType, ELFSymbol.noType, ELFSymbol.objectType: break
                    default: return
                    }
                    let section = Int(symbol.sectionIndex)
                    guard symbol.sectionIndex != ELFSymbol.undefinedSection, symbol.sectionIndex < ELFSymbol.firstReservedSection,
                          section < sections.count, sections[section].isAllocated, sections[section].isExecutable,
                          let range = symbols.nameRange(of: symbol)
                    else { return }
                    if SymbolTable.isMappingSymbol(strings[range], machine: machine) { return }
                    var value = symbol.value
                    // ARM Thumb functions have bit 0 set in their value.
                    if machine == SymbolTable.armMachine && symbol.type == ELFSymbol.functionType { value &= ~1 }
                    let file = symbol.binding == ELFSymbol.localBinding ? sourceFile : Builder.noFile
                    builder.add(start: value, size: symbol.size, nameRange: range.lowerBound + base..<range.upperBound + base, sourceFile: file)
                }
            }
            base += symbols.strings.count
        }
        self = builder.table(buildID: buildID, segments: elf.programHeaders, lines: nil)
    }

    static let armMachine: UInt16 = 40
    static let aarch64Machine: UInt16 = 183
    static let riscvMachine: UInt16 = 243

    /// Whether `name` is a mapping symbol of the architecture (marking code
    /// or data within a section, not naming anything): by prefix, as LLVM
    /// tells them ("$x", "$d.12").
    static func isMappingSymbol<Name: Collection>(_ name: Name, machine: UInt16) -> Bool where Name.Element == UInt8 {
        guard name.count >= 2, name.first == UInt8(ascii: "$") else { return false }
        let kind = name[name.index(after: name.startIndex)]
        switch machine {
        case armMachine: return kind == UInt8(ascii: "a") || kind == UInt8(ascii: "d") || kind == UInt8(ascii: "t")
        case aarch64Machine, riscvMachine: return kind == UInt8(ascii: "d") || kind == UInt8(ascii: "x")
        default: return false
        }
    }
}
