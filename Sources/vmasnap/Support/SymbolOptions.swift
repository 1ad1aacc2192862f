import ArgumentParser
import VMASnap

/// The options that name code: `--symbols`, `--no-demangle`, `--debug-dir`,
/// shared by `query` and `lookup`.
struct SymbolOptions: ParsableArguments {
    @Flag(help: "Name the function, offset, source line and inlined functions of each answer, from the file with its build ID.")
    var symbols = false

    @Flag(name: .customLong("no-demangle"), help: "Print C++ and Swift names as the symbol table has them (with --symbols).")
    var noDemangle = false

    @Option(name: .customLong("debug-dir"),
            help: ArgumentHelp("A debug directory holding .build-id/xx/rest.debug files, searched before /usr/lib/debug (repeatable).",
                               valueName: "DIR"))
    var debugDirectories: [String] = []

    /// Checks that the options that refine symbols come with `--symbols`
    /// (or with an option that implies it, such as `--folded`).
    func check(impliedBy implied: Bool = false) throws {
        if !symbols && !implied && (noDemangle || !debugDirectories.isEmpty) {
            throw ValidationError("--no-demangle and --debug-dir go with --symbols")
        }
    }

    /// The symbolizer these options ask for: the debug directories given,
    /// /usr/lib/debug and the debuginfod client cache, and the symbol tables
    /// a recording stores (`record --keep-symbols`), each decoded only if
    /// no file with its build ID is found.
    func makeSymbolizer(stored: [StoredSymbolTable] = []) -> Symbolizer {
        let search = SymbolSearchPaths.standard(debugDirectories: debugDirectories)
        let symbolizer = Symbolizer(search: search, demangle: !noDemangle)
        for table in stored {
            symbolizer.addStored(buildID: table.buildID) { (try? table.decoded()).flatMap { try? SymbolTable(serialized: $0) } }
        }
        return symbolizer
    }
}
