/// Names the code at an answer: from (build ID, file offset, recorded path)
/// to the function and the offset into it, and with DWARF the source line
/// and inlined frames.
///
/// **The right file or none.** A file is found by its build ID, never by
/// path alone: the recorded path if the file there has that build ID (read
/// through the bounded ELF reader), a separate debug file under a debug
/// directory's .build-id tree (`--debug-dir`, /usr/lib/debug), a file named
/// by .gnu_debuglink next to it, the debuginfod client cache, and tables
/// added with `add(_:)` (symbols stored in a recording). A file with another
/// build ID is never used; the answer then says why there are no symbols.
///
/// Each build ID is looked up once: its files are opened and parsed on first
/// use and kept, so that millions of frames cost a table lookup each.
/// Not thread-safe: use one symbolizer per thread.
///
///     let symbolizer = Symbolizer(search: .standard())
///     let answer = symbolizer.symbolize(buildID: mapping.buildID, path: mapping.path,
///                                       fileOffset: resolution.fileOffset!)
///     // answer.function?.function, answer.function?.offset, .file, .line, answer.inlined
public final class Symbolizer {
    /// Where files are looked for.
    public let search: SymbolSearchPaths
    /// Whether names are demangled.
    public let demangles: Bool

    private var files: [BuildID: SymbolFile] = [:]
    /// The last file answered: frames of one file come in runs.
    private var last: SymbolFile?
    private var failures: [Failure: NoSymbolsReason] = [:]
    private var stored: [BuildID: SymbolTable] = [:]
    private var storedLoaders: [BuildID: () -> SymbolTable?] = [:]

    private struct Failure: Hashable {
        var buildID: BuildID
        var path: MappedPath
    }

    /// The answer of `symbolFile(buildID:path:)`.
    public enum Lookup {
        /// The symbols of the right file.
        case found(SymbolFile)
        /// None, and why.
        case missing(NoSymbolsReason)
    }

    /// A symbolizer.
    ///
    /// - Parameters:
    ///   - search: Where to look for files besides the recorded path.
    ///   - demangle: Whether to demangle C++ and Swift names (`--no-demangle`
    ///     turns it off).
    public init(search: SymbolSearchPaths = SymbolSearchPaths(), demangle: Bool = true) {
        self.search = search
        self.demangles = demangle
    }

    /// Adds a stored symbol table (such as one a recording keeps), used for
    /// its build ID when no file with that build ID is found.
    ///
    /// - Parameter table: A table with a build ID (one without is ignored).
    public func add(_ table: SymbolTable) {
        guard let buildID = table.buildID else { return }
        stored[buildID] = table
        failures = failures.filter { $0.key.buildID != buildID }
    }

    /// Adds a stored symbol table that is made only if it is needed: for its
    /// build ID when no file with that build ID is found (a recording's
    /// tables are decoded this way, only for the build IDs a lookup meets).
    ///
    /// - Parameters:
    ///   - buildID: The build ID the table is stored for.
    ///   - load: Makes the table; nil when it cannot (damaged bytes). A
    ///     table whose build ID is not `buildID` is not used.
    public func addStored(buildID: BuildID, _ load: @escaping () -> SymbolTable?) {
        storedLoaders[buildID] = { load().flatMap { $0.buildID == buildID ? $0 : nil } }
        failures = failures.filter { $0.key.buildID != buildID }
    }

    /// The symbols for a mapping's build ID, found and loaded on first use.
    ///
    /// - Parameters:
    ///   - buildID: The build ID the recording gives; without one, no file
    ///     can be shown to be right.
    ///   - path: The recorded path (" (deleted)" is ignored).
    /// - Returns: The symbol file, or why there is none.
    public func symbolFile(buildID: BuildID?, path: MappedPath) -> Lookup {
        guard let buildID else { return .missing(.noBuildID) }
        if let last, last.buildID == buildID { return .found(last) }
        if let file = files[buildID] {
            last = file
            return .found(file)
        }
        let failure = Failure(buildID: buildID, path: path)
        if let reason = failures[failure] { return .missing(reason) }
        switch load(buildID: buildID, path: path) {
        case .found(let file):
            files[buildID] = file
            return .found(file)
        case .missing(let reason):
            failures[failure] = reason
            return .missing(reason)
        }
    }

    /// The symbols at a file offset of the file with `buildID`.
    ///
    /// - Parameters:
    ///   - buildID: The mapping's build ID.
    ///   - path: The recorded path.
    ///   - fileOffset: The answer's file offset.
    ///   - lines: Whether to read DWARF for source lines and inlined frames.
    /// - Returns: The frames, or why there are none.
    public func symbolize(buildID: BuildID?, path: MappedPath, fileOffset: UInt64, lines: Bool = true) -> Symbolization {
        switch symbolFile(buildID: buildID, path: path) {
        case .found(let file): return file.symbolize(fileOffset: fileOffset, lines: lines)
        case .missing(let reason): return .unavailable(reason)
        }
    }

    // MARK: - Finding files

    /// The symbols of a file already open (the recorder's: a mapped file
    /// opened through /proc/PID/map_files), with its debug files found by
    /// build ID as for any answer; nothing is opened by the recorded path.
    ///
    /// - Parameters:
    ///   - file: The open file, used only if its build ID is `buildID`.
    ///   - buildID: The build ID the recording gives it.
    /// - Returns: The symbol file, or why there is none.
    func symbolFile(opened file: ReadOnlyFile, buildID: BuildID) -> Lookup {
        load(buildID: buildID, path: MappedPath(bytes: []), opened: file)
    }

    /// An ELF file that has the build ID looked for.
    private struct Match {
        var path: [UInt8]
        var file: ReadOnlyFile
        var elf: ELFFile
    }

    private func load(buildID: BuildID, path: MappedPath, opened: ReadOnlyFile? = nil) -> Lookup {
        var recorded = path.bytes
        if path.isDeleted { recorded.removeLast(MappedPath.deletedSuffix.count) }
        var candidates: [SymbolSearchPaths.Candidate] = []
        // An open file comes first, under a name no path has (it is never reopened by it).
        let openedName = Array("(opened)".utf8)
        if opened != nil { candidates.append(.init(path: openedName)) }
        if recorded.first == UInt8(ascii: "/") { candidates.append(.init(path: recorded, isRecordedPath: true)) }
        candidates += search.candidates(for: buildID)

        var executable: Match?
        var fullSymbols: (table: ELFSymbolTable, sections: [ELFSection])?
        var debugInfo: Match?
        var recordedPathChanged = false
        var linkAdded = false
        var seen = Set<[UInt8]>()
        var position = 0
        while position < candidates.count {
            let candidate = candidates[position]
            position += 1
            guard seen.insert(candidate.path).inserted,
                  let file = candidate.path == openedName ? opened : try? ReadOnlyFile(path: candidate.path),
                  let elf = try? ELFFile(source: ELFSource(file: file))
            else { continue }
            guard elf.buildID() == buildID else {
                if candidate.isRecordedPath { recordedPathChanged = true }
                continue
            }
            let holdsCode = elf.loadSegments.contains { $0.isExecutable && $0.fileSize > 0 }
            if executable == nil && holdsCode { executable = Match(path: candidate.path, file: file, elf: elf) }
            if fullSymbols == nil, let table = try? elf.symbolTable(.full), table.count > 1 {
                fullSymbols = (table, elf.sections)
            }
            if debugInfo == nil && elf.hasDebugInfo { debugInfo = Match(path: candidate.path, file: file, elf: elf) }
            // A debug link names a debug file next to the file: look there too.
            if !linkAdded, holdsCode, let link = elf.debugLink(), let slash = candidate.path.lastIndex(of: UInt8(ascii: "/")),
               candidate.path != openedName {
                linkAdded = true
                candidates += search.debugLinkCandidates(name: link.fileName, directory: Array(candidate.path[..<slash]))
            }
            if executable != nil && fullSymbols != nil && debugInfo != nil { break }
        }

        guard let executable else {
            if let table = stored[buildID] {
                return .found(SymbolFile(buildID: buildID, table: table, path: nil, debugInfoPath: nil, demangles: demangles))
            }
            if let load = storedLoaders.removeValue(forKey: buildID), let table = load() {
                stored[buildID] = table
                return .found(SymbolFile(buildID: buildID, table: table, path: nil, debugInfoPath: nil, demangles: demangles))
            }
            return .missing(recordedPathChanged ? .fileChanged : .notFound)
        }
        let table: SymbolTable
        if let fullSymbols {
            table = SymbolTable(elf: executable.elf, symbols: fullSymbols.table, sections: fullSymbols.sections, buildID: buildID)
        } else {
            // .dynsym is read only when no file has a .symtab; with it, the
            // .symtab of the file's MiniDebugInfo, which holds the rest.
            var tables: [(symbols: ELFSymbolTable, sections: [ELFSection])] = []
            if let dynamic = try? executable.elf.symbolTable(.dynamic), dynamic.count > 1 {
                tables.append((dynamic, executable.elf.sections))
            }
            if let mini = executable.elf.miniDebugInfo(), let full = try? mini.symbolTable(.full), full.count > 1 {
                tables.append((full, mini.sections))
            }
            table = SymbolTable(elf: executable.elf, tables: tables, buildID: buildID)
        }
        if table.count == 0 && debugInfo == nil {
            // The file has nothing to name functions by; a stored table may.
            if let stored = stored[buildID] ?? storedLoaders.removeValue(forKey: buildID)?() {
                self.stored[buildID] = stored
                return .found(SymbolFile(buildID: buildID, table: stored, path: nil, debugInfoPath: nil, demangles: demangles))
            }
            return .missing(.stripped)
        }
        // Files found by path are reopened for DWARF when a line is first
        // asked for (their build ID checked again); an open file is kept.
        return .found(SymbolFile(buildID: buildID, table: table, path: executable.path, debugInfoPath: debugInfo?.path,
                                 debugInfoFile: opened == nil ? nil : debugInfo?.file, demangles: demangles))
    }
}
