import VMASnap

/// Prints lookup answers, one line each, as text or JSON Lines, straight
/// into the output buffer: a perf script lookup prints millions of lines,
/// so nothing is allocated per line, and each mapping's escaped path and
/// build ID are formatted once.
///
/// Lines are built in a local buffer passed `inout` to static helpers, not
/// in a property of this class: every append to a class's property is
/// checked for exclusive access at run time, which cost more than the
/// formatting itself.
final class LookupPrinter {
    private let index: LoadingAddressIndex
    private let json: Bool
    private let output: StandardOutput
    private var line: [UInt8] = []
    /// Per mapping ID: the path as text (escaped) or as a JSON string, and
    /// the build ID as text ("-") or JSON (null).
    private var pathCache: [[UInt8]?]
    private var buildIDCache: [[UInt8]?]
    private var jsonTailCache: [[UInt8]?] = []
    /// Adds each answer's symbols (`--symbols`), when set.
    var symbols: SymbolPrinter?

    init(index: LoadingAddressIndex, json: Bool, output: StandardOutput) {
        self.index = index
        self.json = json
        self.output = output
        pathCache = Array(repeating: nil, count: index.mappingCount)
        buildIDCache = Array(repeating: nil, count: index.mappingCount)
        line.reserveCapacity(512)
    }

    /// Prints one answer; a call-chain frame is indented with a tab in text.
    func print(pid: Int32, time: Int64, address: UInt64, resolution: Resolution, isFrame: Bool = false) throws {
        var buffer: [UInt8] = []
        swap(&buffer, &line)
        defer { swap(&buffer, &line) }
        buffer.removeAll(keepingCapacity: true)
        append(pid: pid, time: time, address: address, resolution: resolution, isFrame: isFrame, to: &buffer)
        try output.line(bytes: buffer)
    }

    /// Appends one answer, formatted as `print` prints it (without a
    /// newline), to `buffer`: perf-resolve puts frames inside its own lines.
    func append(pid: Int32, time: Int64, address: UInt64, resolution: Resolution, isFrame: Bool, to line: inout [UInt8]) {
        appendPrefix(pid: pid, time: time, isFrame: isFrame, to: &line)
        append(address: address, resolution: resolution, to: &line)
    }

    /// Appends what every answer for `pid` at `time` starts with: `{"pid":N,"time":T`
    /// in JSON, "[TAB]PID TIME" in text. Frames of one sample share it.
    func appendPrefix(pid: Int32, time: Int64, isFrame: Bool, to line: inout [UInt8]) {
        if json {
            Self.append("{\"pid\":", to: &line)
            Self.appendDecimal(pid, to: &line)
            Self.append(",\"time\":", to: &line)
            Self.appendTime(time, to: &line)
        } else {
            if isFrame { line.append(UInt8(ascii: "\t")) }
            Self.appendDecimal(pid, to: &line)
            line.append(UInt8(ascii: " "))
            Self.appendTime(time, to: &line)
        }
    }

    /// Appends the rest of an answer after its prefix (see `appendPrefix`).
    func append(address: UInt64, resolution: Resolution, to line: inout [UInt8]) {
        let mapping = resolution.mappingID
        if json {
            Self.append(",\"address\":\"0x", to: &line)
            Self.appendHex(address, to: &line)
            Self.append("\",\"status\":\"", to: &line)
            Self.append(resolution.status, to: &line)
            Self.append("\",\"path\":", to: &line)
            if let mapping {
                let fileOffset = resolution.fileOffset ?? index.mapping(mapping).fileOffset(of: address)
                line.append(contentsOf: cachedPath(mapping))
                Self.append(",\"file_offset\":\"0x", to: &line)
                Self.appendHex(fileOffset, to: &line)
                line.append(contentsOf: cachedJSONTail(mapping))
                symbols?.append(mappingID: mapping, mapping: index.mapping(mapping), fileOffset: fileOffset, to: &line)
            } else {
                Self.append("null,\"file_offset\":null,\"build_id\":null,\"start\":null,\"end\":null", to: &line)
                symbols?.appendNone(to: &line)
            }
            line.append(UInt8(ascii: "}"))
        } else {
            Self.append(" 0x", to: &line)
            Self.appendHex(address, to: &line)
            line.append(UInt8(ascii: " "))
            Self.append(resolution.status, to: &line)
            if let mapping {
                let fileOffset = resolution.fileOffset ?? index.mapping(mapping).fileOffset(of: address)
                Self.append(" 0x", to: &line)
                Self.appendHex(fileOffset, to: &line)
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: cachedBuildID(mapping))
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: cachedPath(mapping))
                symbols?.append(mappingID: mapping, mapping: index.mapping(mapping), fileOffset: fileOffset, to: &line)
            }
        }
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

    /// What a JSON answer ends with after its file offset, the same for
    /// every answer from one mapping: `","build_id":…,"start":"0x…","end":"0x…"` (the
    /// symbols' members, with `--symbols`, and `}` follow).
    private func cachedJSONTail(_ id: Int32) -> [UInt8] {
        if Int(id) >= jsonTailCache.count { jsonTailCache += Array(repeating: nil, count: Int(id) + 1 - jsonTailCache.count) }
        if let cached = jsonTailCache[Int(id)] { return cached }
        let mapping = index.mapping(id)
        var text: [UInt8] = []
        Self.append("\",\"build_id\":", to: &text)
        text.append(contentsOf: cachedBuildID(id))
        Self.append(",\"start\":\"0x", to: &text)
        Self.appendHex(mapping.start, to: &text)
        Self.append("\",\"end\":\"0x", to: &text)
        Self.appendHex(mapping.end, to: &text)
        Self.append("\"", to: &text)
        jsonTailCache[Int(id)] = text
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

    /// Appends `text`'s bytes.
    static func append(_ text: StaticString, to line: inout [UInt8]) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    /// Appends a status's name, without a String.
    private static func append(_ status: ResolutionStatus, to line: inout [UInt8]) {
        switch status {
        case .exact: append("exact", to: &line)
        case .loadedBetween: append("loaded-between", to: &line)
        case .unloadedBetween: append("unloaded-between", to: &line)
        case .unmapped: append("unmapped", to: &line)
        case .unknownPID: append("unknown-pid", to: &line)
        case .beforeFirstSnapshot: append("before-first-snapshot", to: &line)
        case .afterExit: append("after-exit", to: &line)
        case .kernel: append("kernel", to: &line)
        case .relative: append("relative", to: &line)
        }
    }

    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int32, to line: inout [UInt8]) { Decimal.append(Int64(value), to: &line) }

    /// Appends seconds with nine decimals, exactly, without a String.
    static func appendTime(_ nanoseconds: Int64, to line: inout [UInt8]) { Decimal.appendSeconds(nanoseconds: nanoseconds, to: &line) }

    private static func appendHex(_ value: UInt64, to line: inout [UInt8]) { Hex.append(value, to: &line) }
}
