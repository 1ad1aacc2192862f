import VMASnap

/// Adds the symbols of an answer to its output line (`--symbols`): in
/// text, after a tab, the frames as llvm-symbolizer lists them,
/// "inner file:line inlined in outer+0xoff file:line", or "no-symbols
/// REASON"; in JSON, the members `symbol`, `symbol_offset`, `source_file`,
/// `line`, `inlined` and `no_symbols`.
///
/// Each mapping's symbol file is looked up once, and each (file, offset)
/// formatted once: profiles repeat the same addresses millions of times.
final class SymbolPrinter {
    let symbolizer: Symbolizer
    private let json: Bool
    /// Per mapping ID (see `AddressIndex.mapping(_:)`): its symbol file or why none.
    private var lookups: [Symbolizer.Lookup?] = []
    /// Formatted symbols by file and offset; emptied when it grows past `cacheLimit`.
    private var formatted: [SymbolFileOffset: [UInt8]] = [:]
    private static let cacheLimit = 1 << 18

    init(symbolizer: Symbolizer, json: Bool) {
        self.symbolizer = symbolizer
        self.json = json
    }

    /// The symbol file of mapping `id`, looked up on first use.
    func lookup(mappingID id: Int32, mapping: ExecutableMapping) -> Symbolizer.Lookup {
        if Int(id) >= lookups.count { lookups += Array(repeating: nil, count: Int(id) + 1 - lookups.count) }
        if let known = lookups[Int(id)] { return known }
        let found = symbolizer.symbolFile(buildID: mapping.buildID, path: mapping.path)
        lookups[Int(id)] = found
        return found
    }

    /// Appends the symbols of an answer in mapping `id` at `fileOffset`
    /// (text: a tab and the frames; JSON: the members, each after a comma).
    func append(mappingID id: Int32, mapping: ExecutableMapping, fileOffset: UInt64, to line: inout [UInt8]) {
        switch lookup(mappingID: id, mapping: mapping) {
        case .missing(let reason):
            line.append(contentsOf: json ? SymbolPrinter.jsonMembers(.unavailable(reason)) : SymbolPrinter.text(.unavailable(reason)))
        case .found(let file):
            let key = SymbolFileOffset(file, fileOffset)
            if let cached = formatted[key] {
                line.append(contentsOf: cached)
                return
            }
            let symbols = file.symbolize(fileOffset: fileOffset, lines: true)
            let bytes = json ? SymbolPrinter.jsonMembers(symbols) : SymbolPrinter.text(symbols)
            if formatted.count >= SymbolPrinter.cacheLimit { formatted.removeAll(keepingCapacity: true) }
            formatted[key] = bytes
            line.append(contentsOf: bytes)
        }
    }

    /// Appends the JSON members of an answer without a mapping: all null.
    func appendNone(to line: inout [UInt8]) {
        if json { line.append(contentsOf: SymbolPrinter.noMembers) }
    }

    private static let noMembers = Array(
        ",\"symbol\":null,\"symbol_offset\":null,\"source_file\":null,\"line\":null,\"inlined\":null,\"no_symbols\":null".utf8)

    /// A tab and the frames, or "no-symbols REASON".
    static func text(_ symbols: Symbolization) -> [UInt8] {
        var text = "\t"
        if let missing = symbols.missing {
            text += "no-symbols \(missing)"
        } else {
            for (position, frame) in symbols.frames.enumerated() {
                if position > 0 { text += " inlined in " }
                text += frame.function.map { TextEscaping.escape($0) } ?? "??"
                if let offset = frame.offset { text += "+" + AddressText.format(offset) }
                if let file = frame.file { text += " \(TextEscaping.escape(file)):\(frame.line ?? 0)" }
            }
        }
        return Array(text.utf8)
    }

    /// The members, each after a comma: `symbol` and `symbol_offset` (the
    /// out-of-line function), `source_file` and `line` (in it), `inlined`
    /// (the inlined frames, innermost first, each with its function, file
    /// and line; null without DWARF), `no_symbols` (the reason, or null).
    static func jsonMembers(_ symbols: Symbolization) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        write(symbols, to: &writer)
        writer.endObject()
        // The members without the braces, after a comma.
        var members = Array(writer.text.dropFirst().dropLast())
        members.insert(UInt8(ascii: ","), at: 0)
        return members
    }

    /// Writes the members into an open JSON object (`query`'s).
    static func write(_ symbols: Symbolization?, to writer: inout JSONWriter) {
        let function = symbols?.function
        writer.bytes("symbol", function?.function)
        writer.string("symbol_offset", function?.offset.map { AddressText.format($0) })
        writer.bytes("source_file", function?.file)
        writer.integer("line", function?.file == nil ? nil : function?.line)
        if let symbols, symbols.missing == nil, symbols.hasSourceInformation {
            writer.beginArray("inlined")
            for frame in symbols.inlined {
                writer.beginObject()
                writer.bytes("symbol", frame.function)
                writer.bytes("source_file", frame.file)
                writer.integer("line", frame.file == nil ? nil : frame.line)
                writer.endObject()
            }
            writer.endArray()
        } else {
            writer.null("inlined")
        }
        writer.string("no_symbols", symbols?.missing?.description)
    }
}
