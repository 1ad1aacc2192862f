import CDW

/// The DWARF of one ELF file, read through elfutils' libdw: the source line
/// of an address and the chain of functions inlined at it.
///
/// libdw stays behind this type: nothing else in vmasnap sees a libdw
/// pointer. The file is read with pread (libelf's ELF_C_READ), never mapped,
/// so a file truncated while it is read cannot raise SIGBUS. Indexes are
/// built lazily: compilation units' address ranges on the first query, and
/// one unit's functions the first time an address falls in it, so that
/// opening a large library costs little and each unit is walked once.
///
/// Not thread-safe (libdw's handles are not): use one per thread.
public final class DWARFDebugInfo {
    /// The file's path.
    public let path: String
    /// The open file libelf reads (nil for an image in memory).
    private let file: ReadOnlyFile?
    /// An image in memory that libelf reads (nil for a file).
    private let image: UnsafeMutableRawBufferPointer?
    private let elf: OpaquePointer
    let dwarf: OpaquePointer
    /// Compilation units' address ranges, sorted by start (built on first use).
    private var units: [AddressRange]?
    /// Per unit (by its DIE's offset): its functions and line rows.
    private var unitIndexes: [UInt64: UnitIndex] = [:]

    /// What one unit's queries need, built the first time an address falls in it.
    struct UnitIndex {
        /// Its functions' address ranges, sorted by start.
        var functions: [AddressRange]
        /// Its line table, sequence-aware: from each row's address up to the
        /// next row's, the line of libdw's row `line` (-1: no line).
        var rows: [LineRow]
        /// libdw's rows.
        var lines: OpaquePointer?
    }

    /// One row of a unit's line index.
    struct LineRow {
        var address: UInt64
        var line: Int
    }

    /// An address range and the DIE it belongs to.
    struct AddressRange {
        var start: UInt64
        var end: UInt64
        var offset: UInt64
    }

    /// How deep DIEs nest before a walk stops (hostile files nest without end).
    static let depthLimit = 256
    /// The most DIEs one walk visits.
    static let visitLimit = 4_000_000

    /// Opens the DWARF of the ELF file at `path`.
    ///
    /// - Parameter path: An ELF file with DWARF sections (an executable,
    ///   library or separate debug file).
    /// - Throws: `SystemError` when the file cannot be opened, `DWARFError`
    ///   when libdw finds no DWARF in it or cannot read it.
    public convenience init(path: String) throws {
        try self.init(file: try ReadOnlyFile(path: path), path: path)
    }

    /// Reads the DWARF of a file already open (the symbolizer opens a file
    /// once, checks its build ID, then reads its DWARF through the same
    /// descriptor, so that a file replaced in between is never read).
    ///
    /// - Throws: `DWARFError`.
    convenience init(file: ReadOnlyFile, path: String) throws {
        _ = elf_version(UInt32(EV_CURRENT))
        guard let elf = elf_begin(file.descriptor, ELF_C_READ, nil) else {
            throw DWARFError(code: 0, message: String(cString: elf_errmsg(-1)), path: path)
        }
        try self.init(elf: elf, path: path, file: file, image: nil)
    }

    /// Reads the DWARF of an ELF image held in memory (the fuzz target's way
    /// in; the image is copied).
    ///
    /// - Parameter image: The whole file.
    /// - Throws: `DWARFError`.
    public convenience init(image bytes: [UInt8]) throws {
        let image = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 16)
        bytes.withUnsafeBytes { image.copyMemory(from: $0) }
        _ = elf_version(UInt32(EV_CURRENT))
        guard let elf = elf_memory(image.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count) else {
            image.deallocate()
            throw DWARFError(code: 0, message: String(cString: elf_errmsg(-1)), path: "(memory)")
        }
        try self.init(elf: elf, path: "(memory)", file: nil, image: image)
    }

    private init(elf: OpaquePointer, path: String, file: ReadOnlyFile?, image: UnsafeMutableRawBufferPointer?) throws {
        guard let dwarf = dwarf_begin_elf(elf, DWARF_C_READ, nil) else {
            let code = dwarf_errno()
            elf_end(elf)
            image?.deallocate()
            throw DWARFError(code: code, message: String(cString: dwarf_errmsg(code)), path: path)
        }
        self.path = path
        self.file = file
        self.image = image
        self.elf = elf
        self.dwarf = dwarf
    }

    deinit {
        dwarf_end(dwarf)
        elf_end(elf)
        image?.deallocate()
    }

    /// The functions and source lines at `address`.
    ///
    /// - Parameter address: An ELF virtual address (as in the symbol table).
    /// - Returns: The chain of frames, innermost first, or nil when no
    ///   compilation unit covers the address.
    public func location(at address: UInt64) -> DWARFLocation? {
        guard var unit = unitDIE(containing: address) else { return nil }
        let path = pathNaming(of: &unit)
        var files: OpaquePointer?
        var fileCount = 0
        let haveFiles = dwarf_getsrcfiles(&unit, &files, &fileCount) == 0
        let index = unitIndex(of: &unit)
        // The line table's row for the address.
        var file: [UInt8]?
        var line: Int?
        if let row = DWARFDebugInfo.row(at: address, in: index.rows), let row = dwarf_onesrcline(index.lines, row) {
            var number: Int32 = 0
            if dwarf_lineno(row, &number) == 0 { line = Int(number) }
            if let name = dwarf_linesrc(row, nil, nil) { file = path(name) }
        }

        // The function, and the inlined calls in it, innermost last.
        var chain: [Dwarf_Die] = []
        var functionStart: UInt64?
        if let offset = DWARFDebugInfo.find(address, in: index.functions) {
            var function = Dwarf_Die()
            if dwarf_offdie(dwarf, Dwarf_Off(offset), &function) != nil {
                var low: Dwarf_Addr = 0
                if dwarf_lowpc(&function, &low) == 0 { functionStart = low }
                chain.append(function)
                inlinedChain(from: function, at: address, into: &chain)
            }
        }
        guard !chain.isEmpty else {
            return DWARFLocation(frames: [DWARFFrame(function: nil, file: file, line: line)], functionStart: nil)
        }

        var frames: [DWARFFrame] = []
        frames.reserveCapacity(chain.count)
        // Innermost first: each frame's line is where the address is (the
        // innermost) or where the frame inside it was inlined.
        for position in stride(from: chain.count - 1, through: 0, by: -1) {
            var die = chain[position]
            frames.append(DWARFFrame(function: name(of: &die), file: file, line: line))
            // The call site of this inlined instance is the caller's location.
            if position > 0 {
                file = nil
                line = nil
                if let index = attributeNumber(&die, DW_AT_call_file), haveFiles, index < UInt64(fileCount),
                   let name = dwarf_filesrc(files, Int(index), nil, nil)
                {
                    file = path(name)
                }
                if let number = attributeNumber(&die, DW_AT_call_line), number <= UInt64(Int32.max) { line = Int(number) }
            }
        }
        return DWARFLocation(frames: frames, functionStart: functionStart)
    }

    // MARK: - Units

    /// The DIE of the compilation unit whose ranges hold `address`.
    private func unitDIE(containing address: UInt64) -> Dwarf_Die? {
        if units == nil { units = buildUnitIndex() }
        guard let offset = DWARFDebugInfo.find(address, in: units!) else { return nil }
        var die = Dwarf_Die()
        guard dwarf_offdie(dwarf, Dwarf_Off(offset), &die) != nil else { return nil }
        return die
    }

    /// Every compilation unit's address ranges (DW_AT_low_pc/high_pc or
    /// DW_AT_ranges, DWARF 2 to 5), sorted by start.
    private func buildUnitIndex() -> [AddressRange] {
        var ranges: [AddressRange] = []
        forEachCodeUnit { die in
            let offset = UInt64(dwarf_dieoffset(&die))
            appendRanges(of: &die, offset: offset, to: &ranges)
        }
        ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return ranges
    }

    /// Calls `body` with the DIE of every unit that can hold code (type
    /// units hold none), at most `visitLimit` units.
    func forEachCodeUnit(_ body: (inout Dwarf_Die) -> Void) {
        var unit: OpaquePointer? = nil
        var visited = 0
        while visited < DWARFDebugInfo.visitLimit {
            var next: OpaquePointer? = nil
            var version: Dwarf_Half = 0
            var unitType: UInt8 = 0
            var die = Dwarf_Die()
            guard dwarf_get_units(dwarf, unit, &next, &version, &unitType, &die, nil) == 0 else { break }
            visited += 1
            unit = next
            guard unitType != UInt8(DW_UT_type), unitType != UInt8(DW_UT_split_type) else { continue }
            body(&die)
        }
    }

    /// Appends the address ranges of `die`.
    private func appendRanges(of die: inout Dwarf_Die, offset: UInt64, to ranges: inout [AddressRange]) {
        var base: Dwarf_Addr = 0
        var start: Dwarf_Addr = 0
        var end: Dwarf_Addr = 0
        var next = dwarf_ranges(&die, 0, &base, &start, &end)
        var count = 0
        while next > 0 && count < 1 << 16 {
            if end > start { ranges.append(AddressRange(start: start, end: end, offset: offset)) }
            next = dwarf_ranges(&die, next, &base, &start, &end)
            count += 1
        }
    }

    // MARK: - Functions

    /// How file names of unit `unit` are printed: libdw's name, made
    /// absolute as llvm-symbolizer makes it (see `path(_:compilationDirectory:firstDirectory:)`).
    func pathNaming(of unit: inout Dwarf_Die) -> (UnsafePointer<CChar>) -> [UInt8] {
        let compilationDirectory = attributeString(&unit, DW_AT_comp_dir)
        var files: OpaquePointer?
        var fileCount = 0
        // The line table's first directory: libdw has already joined it to
        // the names of files in it.
        var firstDirectory: [UInt8]?
        var directories: UnsafePointer<UnsafePointer<CChar>?>?
        var directoryCount = 0
        if dwarf_getsrcfiles(&unit, &files, &fileCount) == 0, dwarf_getsrcdirs(files, &directories, &directoryCount) == 0,
           directoryCount > 0, let first = directories?[0]
        {
            firstDirectory = DWARFDebugInfo.bytes(first)
        }
        return { name in
            DWARFDebugInfo.path(DWARFDebugInfo.bytes(name), compilationDirectory: compilationDirectory, firstDirectory: firstDirectory)
        }
    }

    /// The index of unit `unit`, built on first use.
    func unitIndex(of unit: inout Dwarf_Die) -> UnitIndex {
        let offset = UInt64(dwarf_dieoffset(&unit))
        if let index = unitIndexes[offset] { return index }
        let functions = buildFunctionIndex(of: &unit)
        var lines: OpaquePointer?
        var count = 0
        var rows: [LineRow] = []
        if dwarf_getsrclines(&unit, &lines, &count) == 0 {
            rows = buildLineIndex(lines, count: count, functions: functions)
        }
        let index = UnitIndex(functions: functions, rows: rows, lines: lines)
        unitIndexes[offset] = index
        return index
    }

    /// The rows of a unit's line table, as llvm-symbolizer reads them: an
    /// address between sequences has no line. libdw sorts all rows by
    /// address with each end-of-sequence marker before the rows at its
    /// address, so a sequence's last, empty row (the same address as its end)
    /// would seem to cover the gap after it: such a row counts only where a
    /// function starts, as a new sequence does.
    private func buildLineIndex(_ lines: OpaquePointer?, count: Int, functions: [AddressRange]) -> [LineRow] {
        let functionStarts = Set(functions.map(\.start))
        var rows: [LineRow] = []
        rows.reserveCapacity(count)
        var endedAt: UInt64?
        for index in 0..<count {
            guard let line = dwarf_onesrcline(lines, index) else { continue }
            var address: Dwarf_Addr = 0
            var isEnd = false
            guard dwarf_lineaddr(line, &address) == 0, dwarf_lineendsequence(line, &isEnd) == 0 else { continue }
            if isEnd {
                endedAt = address
                append(LineRow(address: address, line: -1))
                continue
            }
            if address == endedAt && !functionStarts.contains(address) { continue }
            endedAt = nil
            append(LineRow(address: address, line: index))
        }
        return rows

        // Of rows at one address, the last counts (as for both oracles).
        func append(_ row: LineRow) {
            if rows.last?.address == row.address { rows[rows.count - 1] = row } else { rows.append(row) }
        }
    }

    /// libdw's row for `address`, or nil between sequences.
    static func row(at address: UInt64, in rows: [LineRow]) -> Int? {
        let low = rows.partitionPoint(where: { $0.address > address })
        guard low > 0, rows[low - 1].line >= 0 else { return nil }
        return rows[low - 1].line
    }

    /// Every function with code in a unit, walked once: subprograms are not
    /// entered (their inlined calls are found per query), namespaces and
    /// other scopes without addresses are.
    private func buildFunctionIndex(of unit: inout Dwarf_Die) -> [AddressRange] {
        var ranges: [AddressRange] = []
        var visited = 0
        // An explicit stack of DIEs whose children are still to be walked.
        var stack: [Dwarf_Die] = [unit]
        while var parent = stack.popLast(), visited < DWARFDebugInfo.visitLimit {
            var child = Dwarf_Die()
            guard dwarf_child(&parent, &child) == 0 else { continue }
            var previous: Dwarf_Off = 0
            repeat {
                visited += 1
                let offset = dwarf_dieoffset(&child)
                // Siblings come in file order; a DW_AT_sibling that points back would loop.
                guard offset > previous else { break }
                previous = offset
                let tag = dwarf_tag(&child)
                if tag == Int32(DW_TAG_subprogram) {
                    appendRanges(of: &child, offset: UInt64(offset), to: &ranges)
                } else if DWARFDebugInfo.mayHoldFunctions(tag), dwarf_haschildren(&child) > 0,
                          stack.count < DWARFDebugInfo.depthLimit
                {
                    stack.append(child)
                }
            } while DWARFDebugInfo.advance(&child) && visited < DWARFDebugInfo.visitLimit
        }
        ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return ranges
    }

    /// Whether a DIE with this tag may contain function definitions.
    private static func mayHoldFunctions(_ tag: Int32) -> Bool {
        switch Int(tag) {
        case Int(DW_TAG_namespace), Int(DW_TAG_module), Int(DW_TAG_class_type), Int(DW_TAG_structure_type),
             Int(DW_TAG_union_type), Int(DW_TAG_interface_type), Int(DW_TAG_lexical_block):
            return true
        default:
            return false
        }
    }

    /// Appends to `chain` the inlined calls (DW_TAG_inlined_subroutine)
    /// inside `function` that hold `address`, outermost first, going down
    /// through lexical blocks.
    private func inlinedChain(from function: Dwarf_Die, at address: UInt64, into chain: inout [Dwarf_Die]) {
        var scope = function
        var visited = 0
        var depth = 0
        descend: while depth < DWARFDebugInfo.depthLimit {
            var child = Dwarf_Die()
            guard dwarf_child(&scope, &child) == 0 else { return }
            var previous: Dwarf_Off = 0
            repeat {
                visited += 1
                let offset = dwarf_dieoffset(&child)
                guard offset > previous, visited < DWARFDebugInfo.visitLimit else { return }
                previous = offset
                let tag = Int(dwarf_tag(&child))
                if tag == Int(DW_TAG_inlined_subroutine) || tag == Int(DW_TAG_lexical_block)
                    || tag == Int(DW_TAG_try_block) || tag == Int(DW_TAG_catch_block)
                {
                    if dwarf_haspc(&child, address) == 1 {
                        if tag == Int(DW_TAG_inlined_subroutine) { chain.append(child) }
                        scope = child
                        depth += 1
                        continue descend
                    }
                }
            } while DWARFDebugInfo.advance(&child)
            return
        }
    }

    /// Moves `die` to its next sibling; false when it has none.
    private static func advance(_ die: inout Dwarf_Die) -> Bool {
        var current = die
        return dwarf_siblingof(&current, &die) == 0
    }

    // MARK: - Attributes

    /// The linkage name of a function (following DW_AT_abstract_origin and
    /// DW_AT_specification), else its name, as llvm-symbolizer names
    /// functions by default.
    private func name(of die: inout Dwarf_Die) -> [UInt8]? {
        attributeString(&die, DW_AT_linkage_name, integrate: true)
            ?? attributeString(&die, DW_AT_MIPS_linkage_name, integrate: true)
            ?? attributeString(&die, DW_AT_name, integrate: true)
    }

    private func attributeString(_ die: inout Dwarf_Die, _ name: Int, integrate: Bool = false) -> [UInt8]? {
        var attribute = Dwarf_Attribute()
        let found = integrate ? dwarf_attr_integrate(&die, UInt32(name), &attribute) : dwarf_attr(&die, UInt32(name), &attribute)
        guard found != nil, let text = dwarf_formstring(&attribute) else { return nil }
        return DWARFDebugInfo.bytes(text)
    }

    private func attributeNumber(_ die: inout Dwarf_Die, _ name: Int) -> UInt64? {
        var attribute = Dwarf_Attribute()
        guard dwarf_attr(&die, UInt32(name), &attribute) != nil else { return nil }
        var value: Dwarf_Word = 0
        guard dwarf_formudata(&attribute, &value) == 0 else { return nil }
        return value
    }

    /// A C string's bytes, at most `ELFFile.nameLimit` of them.
    private static func bytes(_ text: UnsafePointer<CChar>) -> [UInt8] {
        var length = 0
        while length < ELFFile.nameLimit && text[length] != 0 { length += 1 }
        return text.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// A source path as llvm-symbolizer prints it (its "absolute" paths):
    /// libdw's name, which already holds the line table directory, with the
    /// compilation directory put first when the name is relative and not in
    /// the line table's first directory (which is the compilation directory,
    /// and which llvm-symbolizer does not repeat).
    static func path(_ name: [UInt8], compilationDirectory: [UInt8]?, firstDirectory: [UInt8]?) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        guard name.first != slash, let directory = compilationDirectory, !directory.isEmpty else { return name }
        if let first = firstDirectory, !first.isEmpty, name.count > first.count, name.starts(with: first),
           first.last == slash || name[first.count] == slash
        {
            return name
        }
        return directory.last == slash ? directory + name : directory + [slash] + name
    }

    /// The offset of the range holding `address`, in ranges sorted by start.
    /// Ranges may nest or overlap a little: the few before the last start at
    /// or below the address are checked too.
    static func find(_ address: UInt64, in ranges: [AddressRange]) -> UInt64? {
        var index = ranges.partitionPoint(where: { $0.start > address }) - 1
        var checked = 0
        while index >= 0 && checked < 16 {
            if address < ranges[index].end { return ranges[index].offset }
            index -= 1
            checked += 1
        }
        return nil
    }
}
