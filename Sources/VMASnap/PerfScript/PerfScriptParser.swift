/// Reads `perf script -F pid,tid,time,ip --ns` text a line at a time.
///
/// Tolerant where perf varies (column widths, spaces or tabs, a leading
/// comm field, a "[CPU]" field, event names, the sym and dso fields, times
/// with fewer than nine decimals) and strict elsewhere: anything else is an
/// `InputError` naming the line. It never traps on any bytes.
public struct PerfScriptParser {
    /// The number of the last line parsed, from 1.
    public private(set) var lineNumber = 0
    private var inSample = false

    /// A parser at the start of the text.
    public init() {}

    /// Parses the next line (without its newline).
    ///
    /// - Throws: `InputError` naming the line and what is wrong with it.
    public mutating func parse<Bytes: Collection>(line: Bytes) throws -> PerfScriptLine where Bytes.Element == UInt8 {
        let bytes = Array(line)
        return try bytes.withUnsafeBufferPointer { try parse(line: $0) }
    }

    /// Parses the next line (without its newline).
    ///
    /// - Throws: `InputError` naming the line and what is wrong with it.
    public mutating func parse(line: UnsafeBufferPointer<UInt8>) throws -> PerfScriptLine {
        lineNumber += 1
        var fields = FieldScanner(line)
        if line.first == UInt8(ascii: "#") { return .ignored }
        guard let firstField = fields.peek() else {
            inSample = false
            return .blank
        }
        if line.first == UInt8(ascii: "\t") {
            guard inSample else { throw InputError(line: lineNumber, problem: .frameWithoutSample, text: line) }
            guard let value = Hex.parseAddress(UnsafeBufferPointer(rebasing: line[firstField])) else {
                throw InputError(line: lineNumber, problem: .badAddress, text: line)
            }
            return .frame(PerfScriptFrame(value: value, dso: PerfScriptParser.dso(of: line)))
        }

        // The time is the first field that is "SECONDS.FRACTION:"; the pid
        // field is just before it, or before a "[CPU]" field.
        var previous: Range<Int>? = nil
        var beforePrevious: Range<Int>? = nil
        var time: Int64? = nil
        while let field = fields.next() {
            if line[field.upperBound - 1] == UInt8(ascii: ":"),
               let value = TimeText.parseSeconds(UnsafeBufferPointer(rebasing: line[field.lowerBound..<field.upperBound - 1]))
            {
                time = value
                break
            }
            beforePrevious = previous
            previous = field
        }
        guard let time else { throw InputError(line: lineNumber, problem: .missingTime, text: line) }
        var pidField = previous
        if let field = previous, line[field.lowerBound] == UInt8(ascii: "[") { pidField = beforePrevious }
        guard let pidField, let (pid, tid) = PerfScriptParser.processID(UnsafeBufferPointer(rebasing: line[pidField])) else {
            throw InputError(line: lineNumber, problem: .badProcessID, text: line)
        }

        // After the time: event names ("cpu-clock:ppp:"), then the ip.
        var addressField = fields.next()
        while let field = addressField, line[field.upperBound - 1] == UInt8(ascii: ":") { addressField = fields.next() }
        if let field = addressField, PerfScriptParser.hasPrefix(line, field, "PERF_RECORD_") {
            inSample = false
            return .ignored
        }
        var address: UInt64? = nil
        if let field = addressField {
            guard let value = Hex.parseAddress(UnsafeBufferPointer(rebasing: line[field])) else {
                throw InputError(line: lineNumber, problem: .badAddress, text: line)
            }
            address = value
        }
        inSample = true
        return .sample(PerfScriptSample(pid: pid, tid: tid, time: time, address: address,
                                        dso: address == nil ? .absent : PerfScriptParser.dso(of: line)))
    }

    /// "PID/TID" or "PID" (perf prints -1 for an unknown one).
    static func processID(_ text: UnsafeBufferPointer<UInt8>) -> (Int32, Int32?)? {
        if let slash = text.firstIndex(of: UInt8(ascii: "/")) {
            guard let pid = decimal(UnsafeBufferPointer(rebasing: text[..<slash])),
                  let tid = decimal(UnsafeBufferPointer(rebasing: text[(slash + 1)...]))
            else { return nil }
            return (pid, tid)
        }
        guard let pid = decimal(text) else { return nil }
        return (pid, nil)
    }

    /// A decimal Int32, maybe negative; nil on anything else or overflow.
    static func decimal(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        Decimal.parseSigned(text).flatMap { Int32(exactly: $0) }
    }

    /// What the trailing "(DSO)" says, found by matching parentheses back
    /// from the end (a name may itself hold some: "(/lib/x.so (deleted))").
    static func dso(of line: UnsafeBufferPointer<UInt8>) -> PerfScriptDSO {
        var end = line.count
        while end > 0 && (line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") || line[end - 1] == UInt8(ascii: "\r")) {
            end -= 1
        }
        guard end > 0, line[end - 1] == UInt8(ascii: ")") else { return .absent }
        var depth = 0
        var position = end - 1
        while position >= 0 {
            if line[position] == UInt8(ascii: ")") { depth += 1 }
            if line[position] == UInt8(ascii: "(") {
                depth -= 1
                if depth == 0 { break }
            }
            position -= 1
        }
        guard position >= 0 else { return .absent }
        let name = UnsafeBufferPointer(rebasing: line[(position + 1)..<(end - 1)])
        return name.elementsEqual("[unknown]".utf8) ? .unknown : .named
    }

    static func hasPrefix(_ line: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard field.count >= count else { return false }
        let prefixBytes = UnsafeBufferPointer(start: prefix.utf8Start, count: count)
        return line[field.lowerBound..<field.lowerBound + count].elementsEqual(prefixBytes)
    }
}

/// Splits a line into fields separated by spaces and tabs.
struct FieldScanner {
    private let line: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ line: UnsafeBufferPointer<UInt8>) { self.line = line }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The next field, without consuming it.
    func peek() -> Range<Int>? {
        var copy = self
        return copy.next()
    }

    /// The next field's range in the line.
    mutating func next() -> Range<Int>? {
        while position < line.count && FieldScanner.isSpace(line[position]) { position += 1 }
        guard position < line.count else { return nil }
        let start = position
        while position < line.count && !FieldScanner.isSpace(line[position]) { position += 1 }
        return start..<position
    }

    /// How many fields remain.
    mutating func count() -> Int {
        var count = 0
        while next() != nil { count += 1 }
        return count
    }
}
