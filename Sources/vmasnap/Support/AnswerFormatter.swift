import VMASnap

/// Formats lookup answers, as `lookup` prints them in text or as
/// `lookup --json`'s objects, straight into `OutputBytes`.
///
/// What an answer prints around its file offset is the same for every
/// answer from one mapping (its escaped path and build ID, in JSON also its
/// bounds): it is formatted once, the first time a mapping answers, into
/// one block of memory, and copied from there. An answer then costs a few
/// copies and two hex numbers, with nothing allocated and nothing retained
/// (perf-resolve prints tens of millions of them).
struct AnswerFormatter: ~Copyable {
    /// JSON objects rather than text.
    let json: Bool
    /// Adds each answer's symbols (`--symbols`), when set: in text after
    /// the path, in JSON as members before the object's end.
    var symbols: SymbolPrinter?
    /// The symbols of one answer, before they are copied out.
    private var symbolBytes: [UInt8] = []
    private let index: LoadingAddressIndex
    /// Every mapping's formatted text, one after another.
    private var arena = OutputBytes(capacity: 1 << 14)
    /// Per mapping ID: where its text is in `arena`.
    private var spans: UnsafeMutablePointer<Span>
    private var spanCapacity: Int

    /// A mapping's text: `head` bytes before the file offset, `tail` after.
    private struct Span {
        /// Where in the arena; -1 until formatted.
        var start: Int
        var head: Int32
        var tail: Int32
        /// The mapping's start and file offset: an answer's file offset without the index.
        var mappingStart: UInt64
        var mappingOffset: UInt64
        static let unformatted = Span(start: -1, head: 0, tail: 0, mappingStart: 0, mappingOffset: 0)
    }

    /// The most bytes an answer's fixed parts take (address, status, file
    /// offset, punctuation), besides its mapping's text.
    private static let fixedLength = 160

    /// A formatter of `index`'s answers.
    init(index: LoadingAddressIndex, json: Bool) {
        self.index = index
        self.json = json
        spanCapacity = max(index.mappingCount, 64)
        spans = .allocate(capacity: spanCapacity)
        spans.initialize(repeating: .unformatted, count: spanCapacity)
    }

    deinit { spans.deallocate() }

    /// Puts what every answer for `pid` at `time` starts with:
    /// `{"pid":N,"time":T` in JSON, "[TAB]PID TIME" in text (the tab for a
    /// call-chain frame). Frames of one sample share it.
    @inline(__always)
    func putPrefix(pid: Int32, time: Int64, isFrame: Bool, to out: inout OutputBytes) {
        out.reserve(64)
        if json {
            out.put("{\"pid\":")
            out.putDecimal(Int64(pid))
            out.put(",\"time\":")
            out.putSeconds(nanoseconds: time)
        } else {
            if isFrame { out.put(UInt8(ascii: "\t")) }
            out.putDecimal(Int64(pid))
            out.put(UInt8(ascii: " "))
            out.putSeconds(nanoseconds: time)
        }
    }

    /// Puts the rest of an answer after its prefix, without a newline.
    @inline(__always)
    mutating func putAnswer(address: UInt64, resolution: Resolution, to out: inout OutputBytes) {
        guard let id = resolution.mappingID else {
            out.reserve(Self.fixedLength)
            putAddressAndStatus(address, resolution.status, to: &out)
            if json { out.put("\",\"path\":null,\"file_offset\":null,\"build_id\":null,\"start\":null,\"end\":null") }
            if let symbols {
                symbolBytes.removeAll(keepingCapacity: true)
                symbols.appendNone(to: &symbolBytes)
                out.append(symbolBytes)
            }
            if json { out.append(UInt8(ascii: "}")) }
            return
        }
        let span = self.span(id)
        out.reserve(Self.fixedLength &+ Int(span.head) &+ Int(span.tail))
        putAddressAndStatus(address, resolution.status, to: &out)
        out.put(UnsafeRawBufferPointer(start: arena.base + span.start, count: Int(span.head)))
        let fileOffset = resolution.fileOffset ?? (address &- span.mappingStart &+ span.mappingOffset)
        out.putHex(fileOffset)
        out.put(UnsafeRawBufferPointer(start: arena.base + span.start + Int(span.head), count: Int(span.tail)))
        if let symbols {
            symbolBytes.removeAll(keepingCapacity: true)
            symbols.append(mappingID: id, mapping: index.mapping(id), fileOffset: fileOffset, to: &symbolBytes)
            out.append(symbolBytes)
        }
        if json { out.append(UInt8(ascii: "}")) }
    }

    @inline(__always)
    private func putAddressAndStatus(_ address: UInt64, _ status: ResolutionStatus, to out: inout OutputBytes) {
        out.put(json ? ",\"address\":\"0x" : " 0x")
        out.putHex(address)
        out.put(json ? "\",\"status\":\"" : " ")
        switch status {
        case .exact: out.put("exact")
        case .loadedBetween: out.put("loaded-between")
        case .unloadedBetween: out.put("unloaded-between")
        case .unmapped: out.put("unmapped")
        case .unknownPID: out.put("unknown-pid")
        case .beforeFirstSnapshot: out.put("before-first-snapshot")
        case .afterExit: out.put("after-exit")
        case .kernel: out.put("kernel")
        case .relative: out.put("relative")
        }
    }

    /// Mapping `id`'s text, formatted the first time.
    @inline(__always)
    private mutating func span(_ id: Int32) -> Span {
        let number = Int(id)
        if number < spanCapacity, spans[number].start >= 0 { return spans[number] }
        return format(number)
    }

    private mutating func format(_ number: Int) -> Span {
        if number >= spanCapacity {
            // A loading index grows as pids are looked up: so does this.
            let newCapacity = max(number + 1, spanCapacity * 2)
            let grown = UnsafeMutablePointer<Span>.allocate(capacity: newCapacity)
            grown.moveInitialize(from: spans, count: spanCapacity)
            (grown + spanCapacity).initialize(repeating: .unformatted, count: newCapacity - spanCapacity)
            spans.deallocate()
            spans = grown
            spanCapacity = newCapacity
        }
        let mapping = index.mapping(Int32(number))
        var head: [UInt8] = []
        var tail: [UInt8] = []
        if json {
            var path = JSONWriter()
            path.bytes(nil, mapping.path.bytes)
            head = Array("\",\"path\":".utf8) + path.text + Array(",\"file_offset\":\"0x".utf8)
            tail = Array("\",\"build_id\":".utf8)
            tail += Array((mapping.buildID.map { "\"\($0)\"" } ?? "null").utf8)
            tail += Array(",\"start\":\"0x".utf8)
            Hex.append(mapping.start, to: &tail)
            tail += Array("\",\"end\":\"0x".utf8)
            Hex.append(mapping.end, to: &tail)
            // The object's "}" follows (after the symbols' members, with --symbols).
            tail += Array("\"".utf8)
        } else {
            head = Array(" 0x".utf8)
            tail = Array(" \(mapping.buildID?.description ?? "-") ".utf8) + Array(TextEscaping.escape(mapping.path.bytes).utf8)
        }
        let span = Span(start: arena.count, head: Int32(head.count), tail: Int32(tail.count),
                        mappingStart: mapping.start, mappingOffset: mapping.offset)
        arena.append(head)
        arena.append(tail)
        spans[number] = span
        return span
    }
}
