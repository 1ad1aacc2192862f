import VMASnap

/// Collapsed stacks (`lookup --folded`), the input of flamegraph.pl,
/// inferno and speedscope: one line per distinct stack, its frames root
/// first separated by ";", then a space and how many samples had it. The
/// root frame is the process's command name; inlined functions are frames
/// of their own (inside the function they were inlined into). A frame with
/// no symbol is "[FILE]" (the mapped file's name), a kernel address
/// "[kernel]", any other address "[unknown]".
final class FoldedStacks {
    private let index: LoadingAddressIndex
    private let symbols: SymbolPrinter
    private var counts: [[UInt8]: Int] = [:]
    /// The stack being read: its process and frames, leaf first.
    private var pid: Int32 = 0
    private var time: Int64 = 0
    private var frames: [[UInt8]] = []
    private var open = false
    /// A frame's names, root first, by symbol file and offset.
    private var names: [SymbolFileOffset: [UInt8]] = [:]
    private var commands: [[UInt8]: [UInt8]] = [:]
    private static let cacheLimit = 1 << 18

    init(index: LoadingAddressIndex, symbols: SymbolPrinter) {
        self.index = index
        self.symbols = symbols
    }

    /// Ends the stack being read and starts one of `pid` at `time`.
    func begin(pid: Int32, time: Int64) {
        finish()
        self.pid = pid
        self.time = time
        open = true
    }

    /// Adds the next frame (leaf first) of the stack being read.
    func add(address: UInt64, resolution: Resolution) {
        guard open else { return }
        frames.append(name(address: address, resolution: resolution))
    }

    /// Ends the stack being read, counting it.
    func finish() {
        defer {
            frames.removeAll(keepingCapacity: true)
            open = false
        }
        guard open, !frames.isEmpty else { return }
        let command = index.history(pid: pid, at: time)?.process.command ?? Array("pid-\(pid)".utf8)
        if commands[command] == nil { commands[command] = FoldedStacks.sanitized(command) }
        var stack = commands[command]!
        for frame in frames.reversed() {
            stack.append(UInt8(ascii: ";"))
            stack.append(contentsOf: frame)
        }
        counts[stack, default: 0] += 1
    }

    /// Writes every stack and its count, in byte order of the stacks.
    func write(to output: StandardOutput) throws {
        finish()
        for (stack, count) in counts.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            try output.line(bytes: stack + Array(" \(count)".utf8))
        }
    }

    /// One address's frames, root first, joined by ";".
    private func name(address: UInt64, resolution: Resolution) -> [UInt8] {
        guard let id = resolution.mappingID else {
            return Array((resolution.status == .kernel ? "[kernel]" : "[unknown]").utf8)
        }
        let mapping = index.mapping(id)
        let fileOffset = resolution.fileOffset ?? mapping.fileOffset(of: address)
        guard case .found(let file) = symbols.lookup(mappingID: id, mapping: mapping) else { return FoldedStacks.fileName(mapping) }
        let key = SymbolFileOffset(file, fileOffset)
        if let known = names[key] { return known }
        let frames = file.symbolize(fileOffset: fileOffset, lines: true).frames
        var joined: [UInt8] = []
        for frame in frames.reversed() {
            if !joined.isEmpty { joined.append(UInt8(ascii: ";")) }
            joined.append(contentsOf: frame.function.map(FoldedStacks.sanitized) ?? FoldedStacks.fileName(mapping))
        }
        if names.count >= FoldedStacks.cacheLimit { names.removeAll(keepingCapacity: true) }
        names[key] = joined
        return joined
    }

    /// "[NAME]": the last component of the mapping's path.
    private static func fileName(_ mapping: ExecutableMapping) -> [UInt8] {
        var path = mapping.path.bytes
        if mapping.path.isDeleted { path.removeLast(MappedPath.deletedSuffix.count) }
        let name = path.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? path
        return [UInt8(ascii: "[")] + sanitized(name) + [UInt8(ascii: "]")]
    }

    /// A name safe in a folded line: escaped for a terminal, and ";" (the
    /// frame separator) written as ":".
    private static func sanitized(_ name: [UInt8]) -> [UInt8] {
        Array(TextEscaping.escape(name).utf8).map { $0 == UInt8(ascii: ";") ? UInt8(ascii: ":") : $0 }
    }
}
