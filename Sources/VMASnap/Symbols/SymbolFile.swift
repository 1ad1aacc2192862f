/// The symbols of one build ID, as the symbolizer found them: its symbol
/// table, and the file with its DWARF, opened the first time a source line
/// is asked for. Names are demangled once each and kept.
///
/// Obtained from `Symbolizer.symbolFile(buildID:path:)`; one per build ID.
/// Not thread-safe.
public final class SymbolFile {
    /// The build ID.
    public let buildID: BuildID
    /// The table: segments and functions.
    public let table: SymbolTable
    /// The file the segments (and, without a debug file, the symbols) were
    /// read from; nil for a stored table.
    public let path: [UInt8]?
    /// The file holding DWARF for it (the file itself or a separate debug
    /// file), when one was found.
    public let debugInfoPath: [UInt8]?
    /// Whether names are demangled.
    public let demangles: Bool

    private var displayNames: [[UInt8]?] = []
    private var debugInfo: DWARFDebugInfo?
    /// The file with DWARF, already open (its build ID was checked then).
    private let debugInfoFile: ReadOnlyFile?
    private var debugInfoOpened = false
    /// Source answers by address: a profile asks for the same addresses
    /// again and again. Emptied when it reaches `locationCacheLimit`.
    private var locations: [UInt64: Symbolization] = [:]
    static let locationCacheLimit = 1 << 16

    /// A symbol file.
    ///
    /// - Parameters:
    ///   - buildID: The build ID.
    ///   - table: Its symbol table.
    ///   - path: The file read, if any.
    ///   - debugInfoPath: The file with DWARF, if any.
    ///   - demangles: Whether to demangle names.
    public convenience init(buildID: BuildID, table: SymbolTable, path: [UInt8]?, debugInfoPath: [UInt8]?, demangles: Bool) {
        self.init(buildID: buildID, table: table, path: path, debugInfoPath: debugInfoPath, debugInfoFile: nil, demangles: demangles)
    }

    /// A symbol file whose DWARF is read from `debugInfoFile` when given
    /// (a file found open, whose path may not name it any more).
    init(buildID: BuildID, table: SymbolTable, path: [UInt8]?, debugInfoPath: [UInt8]?, debugInfoFile: ReadOnlyFile?,
         demangles: Bool) {
        self.buildID = buildID
        self.table = table
        self.path = path
        self.debugInfoPath = debugInfoPath
        self.debugInfoFile = debugInfoFile
        self.demangles = demangles
    }

    /// The function containing file offset `fileOffset`: the fast path,
    /// which neither allocates nor reads DWARF.
    ///
    /// - Parameter fileOffset: An answer's file offset in this file.
    /// - Returns: The function's index in `table` and the offset into it, or
    ///   nil when no segment holds the offset or no symbol covers it.
    @inline(__always)
    public func function(atFileOffset fileOffset: UInt64) -> (index: Int, offset: UInt64)? {
        guard let address = table.virtualAddress(ofFileOffset: fileOffset),
              let index = table.function(containing: address)
        else { return nil }
        return (index, address &- table.start(of: index))
    }

    /// The name of function `index` as printed: demangled (unless turned
    /// off), computed once.
    ///
    /// - Parameter index: A function index from `function(atFileOffset:)`.
    /// - Returns: The name's bytes.
    public func name(of index: Int) -> [UInt8] {
        if displayNames.isEmpty { displayNames = Array(repeating: nil, count: table.count) }
        if let name = displayNames[index] { return name }
        let raw = Array(table.name(of: index))
        let name = display(raw)
        displayNames[index] = name
        return name
    }

    /// A raw name as printed.
    private func display(_ raw: [UInt8]) -> [UInt8] {
        demangles ? Demangler.demangle(raw) ?? raw : raw
    }

    /// The symbols at file offset `fileOffset`: the function and offset,
    /// and with `lines`, the source file and line and the inlined frames
    /// from DWARF, as llvm-symbolizer --inlines gives them (the out-of-line
    /// function named from the symbol table when it has the address, from
    /// DWARF otherwise).
    ///
    /// - Parameters:
    ///   - fileOffset: An answer's file offset.
    ///   - lines: Whether to read DWARF for files, lines and inlined frames.
    /// - Returns: The symbolization (never `missing`: the file is the right one).
    public func symbolize(fileOffset: UInt64, lines: Bool) -> Symbolization {
        guard let address = table.virtualAddress(ofFileOffset: fileOffset) else {
            return Symbolization(function: SymbolizedFrame(function: nil, offset: nil, file: nil, line: nil, isInlined: false),
                                 hasSourceInformation: false)
        }
        let symbol = table.function(containing: address)
        // Without DWARF, or when only functions are asked for: the table alone.
        let wantsDWARF = lines || (symbol == nil && table.count == 0)
        if lines, let cached = locations[address] { return cached }
        var result: Symbolization
        if wantsDWARF, let location = openDebugInfo()?.location(at: address) {
            var frames = location.frames.map { frame in
                SymbolizedFrame(function: frame.function.map(display), offset: nil, file: frame.file, line: frame.line, isInlined: true)
            }
            var last = frames[frames.count - 1]
            last.isInlined = false
            if let symbol {
                last.function = name(of: symbol)
                last.offset = address &- table.start(of: symbol)
                if last.file == nil, let file = table.sourceFile(of: symbol) {
                    last.file = file
                    last.line = 0
                }
            } else if let start = location.functionStart, start <= address {
                last.offset = address - start
            }
            frames[frames.count - 1] = last
            result = Symbolization(frames: frames, missing: nil, hasSourceInformation: lines)
            if !lines {
                // Asked for functions only: keep the out-of-line name alone.
                result = Symbolization(function: SymbolizedFrame(function: last.function, offset: last.offset, file: nil, line: nil,
                                                                 isInlined: false), hasSourceInformation: false)
            }
        } else {
            var frame = SymbolizedFrame(function: nil, offset: nil, file: nil, line: nil, isInlined: false)
            if let symbol {
                frame.function = name(of: symbol)
                frame.offset = address &- table.start(of: symbol)
            }
            var hasSource = false
            if lines, let stored = table.lines {
                hasSource = true
                if let location = stored.location(at: address) {
                    frame.file = location.file
                    frame.line = location.line
                }
            }
            // Where no line table knows the address, a local function's
            // STT_FILE symbol still names its file (line 0), as llvm-symbolizer does.
            if lines, frame.file == nil, let symbol, let file = table.sourceFile(of: symbol) {
                frame.file = file
                frame.line = 0
            }
            result = Symbolization(function: frame, hasSourceInformation: hasSource)
        }
        if lines {
            if locations.count >= SymbolFile.locationCacheLimit { locations.removeAll(keepingCapacity: true) }
            locations[address] = result
        }
        return result
    }

    /// The table to store for this build ID (in a recording, so that it
    /// outlives the file): segments and functions, and with `lines` the
    /// line rows of its DWARF, which then answer for files and lines without
    /// the file (inlined frames are not stored).
    ///
    /// - Parameter lines: Whether to add the DWARF line rows.
    /// - Returns: The table; `serialized()` gives its bytes.
    public func storableTable(lines: Bool) -> SymbolTable {
        guard lines, table.lines == nil, let debugInfo = openDebugInfo() else { return table }
        let rows = debugInfo.lineRows()
        let lineTable = LineTable(files: rows.files, rows: rows.rows.map { LineTable.Row(address: $0.address, file: $0.file, line: $0.line) })
        return SymbolTable(buildID: table.buildID, segments: table.segments, starts: table.starts, sizes: table.sizes,
                           nameStarts: table.nameStarts, names: table.names, sourceFiles: table.sourceFiles,
                           sourceFileIndexes: table.sourceFileIndexes, lines: lineTable)
    }

    /// The DWARF reader, opened on first use: the debug file is opened once,
    /// its build ID checked again (it may have been replaced since it was
    /// found), and read through that same descriptor.
    private func openDebugInfo() -> DWARFDebugInfo? {
        if debugInfoOpened { return debugInfo }
        debugInfoOpened = true
        if let debugInfoFile {
            debugInfo = try? DWARFDebugInfo(file: debugInfoFile, path: String(decoding: debugInfoPath ?? [], as: UTF8.self))
            return debugInfo
        }
        guard let debugInfoPath, let file = try? ReadOnlyFile(path: debugInfoPath),
              let elf = try? ELFFile(source: ELFSource(file: file)), elf.buildID() == buildID
        else { return nil }
        debugInfo = try? DWARFDebugInfo(file: file, path: String(decoding: debugInfoPath, as: UTF8.self))
        return debugInfo
    }
}
