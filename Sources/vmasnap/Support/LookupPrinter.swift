import VMASnap

/// Prints lookup answers, one line each, as text or JSON Lines, straight
/// into the output buffer: a perf script lookup prints millions of lines,
/// so nothing is allocated per line, and each mapping's escaped path and
/// build ID are formatted once.
final class LookupPrinter {
    private let index: AddressIndex
    private let json: Bool
    private let output: StandardOutput
    private var line: [UInt8] = []
    /// Per mapping ID: the path as text (escaped) or as a JSON string, and
    /// the build ID as text ("-") or JSON (null).
    private var pathCache: [[UInt8]?]
    private var buildIDCache: [[UInt8]?]
    /// Adds each answer's symbols (`--symbols`), when set.
    var symbols: SymbolPrinter?

    init(index: AddressIndex, json: Bool, output: StandardOutput) {
        self.index = index
        self.json = json
        self.output = output
        pathCache = Array(repeating: nil, count: index.mappingCount)
        buildIDCache = Array(repeating: nil, count: index.mappingCount)
        line.reserveCapacity(512)
    }

    /// Prints one answer; a call-chain frame is indented with a tab in text.
    func print(pid: Int32, time: Int64, address: UInt64, resolution: Resolution, isFrame: Bool = false) throws {
        line.removeAll(keepingCapacity: true)
        let mapping = resolution.mappingID
        if json {
            append("{\"pid\":")
            appendDecimal(pid)
            append(",\"time\":")
            appendTime(time)
            append(",\"address\":\"0x")
            appendHex(address)
            append("\",\"status\":\"")
            append(resolution.status.description)
            append("\",\"path\":")
            if let mapping {
                let answer = index.mapping(mapping)
                line.append(contentsOf: cachedPath(mapping))
                append(",\"file_offset\":\"0x")
                appendHex(resolution.fileOffset ?? answer.fileOffset(of: address))
                append("\",\"build_id\":")
                line.append(contentsOf: cachedBuildID(mapping))
                append(",\"start\":\"0x")
                appendHex(answer.start)
                append("\",\"end\":\"0x")
                appendHex(answer.end)
                append("\"")
                symbols?.append(mappingID: mapping, mapping: answer, fileOffset: resolution.fileOffset ?? answer.fileOffset(of: address),
                                to: &line)
            } else {
                append("null,\"file_offset\":null,\"build_id\":null,\"start\":null,\"end\":null")
                symbols?.appendNone(to: &line)
            }
            append("}")
        } else {
            if isFrame { line.append(UInt8(ascii: "\t")) }
            appendDecimal(pid)
            line.append(UInt8(ascii: " "))
            appendTime(time)
            append(" 0x")
            appendHex(address)
            line.append(UInt8(ascii: " "))
            append(resolution.status.description)
            if let mapping {
                append(" 0x")
                appendHex(resolution.fileOffset ?? index.mapping(mapping).fileOffset(of: address))
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: cachedBuildID(mapping))
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: cachedPath(mapping))
                if let symbols {
                    let answer = index.mapping(mapping)
                    symbols.append(mappingID: mapping, mapping: answer, fileOffset: resolution.fileOffset ?? answer.fileOffset(of: address),
                                   to: &line)
                }
            }
        }
        try output.line(bytes: line)
    }

    private func cachedPath(_ id: Int32) -> [UInt8] {
        // A loading index grows as pids are looked up: so do the caches.
        if Int(id) >= pathCache.count { pathCache += Array(repeating: nil, count: Int(id) + 1 - pathCache.count) }
        if let cached = pathCache[Int(id)] { return cached }
        let path = index.mapping(id).path
        let text: [UInt8]
        if json {
            var writer = JSONWriter()
            writer.bytes(nil, path.bytes)
            text = writer.text
        } else {
            text = Array(TextEscaping.escape(path.bytes).utf8)
        }
        pathCache[Int(id)] = text
        return text
    }

    private func cachedBuildID(_ id: Int32) -> [UInt8] {
        if Int(id) >= buildIDCache.count { buildIDCache += Array(repeating: nil, count: Int(id) + 1 - buildIDCache.count) }
        if let cached = buildIDCache[Int(id)] { return cached }
        let buildID = index.mapping(id).buildID
        let text: [UInt8]
        if let buildID {
            text = Array((json ? "\"\(buildID)\"" : buildID.description).utf8)
        } else {
            text = Array((json ? "null" : "-").utf8)
        }
        buildIDCache[Int(id)] = text
        return text
    }

    private func append(_ text: String) {
        line.append(contentsOf: text.utf8)
    }

    private func appendDecimal(_ value: Int32) { Decimal.append(Int64(value), to: &line) }

    /// Seconds with nine decimals, exactly, without a String.
    private func appendTime(_ nanoseconds: Int64) { Decimal.appendSeconds(nanoseconds: nanoseconds, to: &line) }

    private func appendHex(_ value: UInt64) { Hex.append(value, to: &line) }
}
