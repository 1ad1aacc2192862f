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
    public mutating func parse<Bytes: Collection>(line: Bytes) throws -> Entry? where Bytes.Element == UInt8 {
        let bytes = Array(line)
        return try bytes.withUnsafeBufferPointer { try parse(line: $0) }
    }

    /// Parses the next line (without its newline); nil for a line to skip.
    public mutating func parse(line: UnsafeBufferPointer<UInt8>) throws -> Entry? {
        // Borrowed for the call, so that its storage is reused, not copied.
        var addresses: [UInt64] = []
        swap(&addresses, &self.addresses)
        defer { swap(&addresses, &self.addresses) }
        guard let (pid, time) = try parseStack(line: line, addresses: &addresses) else { return nil }
        guard addresses.count == 1 else {
            throw InputError(line: lineNumber, problem: .wrongFieldCount(2 + addresses.count), text: line)
        }
        return Entry(pid: pid, time: time, address: addresses[0])
    }

    /// The addresses of the line being parsed (kept to reuse its storage).
    private var addresses: [UInt64] = []
}
