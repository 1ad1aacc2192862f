/// Reads "PID TIME ADDRESS" lines, the batch input of `vmasnap lookup
/// --stdin`: a decimal pid, a time (seconds on the recording's clock, or
/// "+SECONDS" from its start) and a hex address with or without "0x",
/// separated by spaces or tabs. Empty lines and lines starting with "#" are
/// skipped; anything else is an `InputError` naming the line.
public struct AddressListParser {
    /// One "PID TIME ADDRESS" line.
    public struct Entry: Hashable, Sendable {
        /// The process ID.
        public var pid: Int32
        /// The time as given.
        public var time: LookupTime
        /// The address.
        public var address: UInt64
    }

    /// The number of the last line parsed, from 1.
    public internal(set) var lineNumber = 0

    /// A parser at the start of the input.
    public init() {}

    /// Parses the next line (without its newline); nil for a line to skip.
    ///
    /// - Throws: `InputError` naming the line and what is wrong with it.
    public mutating func parse<Bytes: Collection>(line: Bytes) throws -> Entry? where Bytes.Element == UInt8 {
        let bytes = Array(line)
        return try bytes.withUnsafeBufferPointer { try parse(line: $0) }
    }

    /// Parses the next line (without its newline); nil for a line to skip.
    ///
    /// - Throws: `InputError` naming the line and what is wrong with it.
    public mutating func parse(line: UnsafeBufferPointer<UInt8>) throws -> Entry? {
        lineNumber += 1
        var fields = FieldScanner(line)
        guard let pidField = fields.next() else { return nil }
        if line[pidField.lowerBound] == UInt8(ascii: "#") { return nil }
        guard let timeField = fields.next(), let addressField = fields.next() else {
            var counter = FieldScanner(line)
            throw InputError(line: lineNumber, problem: .wrongFieldCount(counter.count()), text: line)
        }
        let extra = fields.count()
        guard extra == 0 else { throw InputError(line: lineNumber, problem: .wrongFieldCount(3 + extra), text: line) }
        guard let pid = PerfScriptParser.decimal(UnsafeBufferPointer(rebasing: line[pidField])) else {
            throw InputError(line: lineNumber, problem: .badProcessID, text: line)
        }
        guard let time = LookupTime(text: UnsafeBufferPointer(rebasing: line[timeField])) else {
            throw InputError(line: lineNumber, problem: .badTime, text: line)
        }
        guard let address = Hex.parseAddress(UnsafeBufferPointer(rebasing: line[addressField])) else {
            throw InputError(line: lineNumber, problem: .badAddress, text: line)
        }
        return Entry(pid: pid, time: time, address: address)
    }
}
