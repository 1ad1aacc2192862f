/// A perf.data file (or pipe) that cannot be read, with the byte where the
/// problem is: "perf.data byte 1234: a SAMPLE record of 24 bytes is shorter
/// than its 32 bytes of fixed fields".
public struct PerfDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file does not start with perf's magic "PERFILE2".
        case notPerfData
        /// perf's first format ("PERFFILE", before 2009).
        case unsupportedVersion
        /// The data ends inside the named structure.
        case truncated(String)
        /// A header or section field that cannot be right (explained).
        case invalid(String)
        /// A count or size larger than this reader accepts.
        case tooLarge(String, value: UInt64, limit: UInt64)
        /// A record that does not decode.
        case record(PerfRecordType, PerfEventError)
        /// Events whose sample ids cannot be told apart.
        case events(PerfEventList.Mismatch)
        /// A kernel record before any event attribute (a pipe without HEADER_ATTR).
        case recordBeforeAttributes(PerfRecordType)
        /// zstd could not decode a COMPRESSED record.
        case decompressionFailed(String)
        /// A compression this reader does not know (only zstd is).
        case unsupportedCompression(UInt32)

        /// A short phrase.
        public var description: String {
            switch self {
            case .notPerfData: return "not a perf.data file (no \"PERFILE2\" magic)"
            case .unsupportedVersion: return "perf.data version 1 (\"PERFFILE\") is not supported; perf 2.6.32 and later write version 2"
            case .truncated(let what): return "the data ends inside \(what) (the file was cut short or perf did not finish)"
            case .invalid(let what): return what
            case .tooLarge(let what, let value, let limit): return "\(what) \(value) exceeds the limit \(limit)"
            case .record(let type, let error): return "\(type) record: \(error)"
            case .events(let mismatch): return mismatch.description
            case .recordBeforeAttributes(let type): return "a \(type) record comes before any event attribute"
            case .decompressionFailed(let message): return "zstd could not decode a COMPRESSED record: \(message)"
            case .unsupportedCompression(let type): return "compression type \(type) is not supported (only zstd, type 1)"
            }
        }
    }

    /// The byte of the input where the problem is: for a record inside
    /// compressed data, the COMPRESSED record's (and `decodedOffset` says
    /// where in the decoded stream).
    public var offset: UInt64
    /// The offset in the decoded stream of COMPRESSED records.
    public var decodedOffset: UInt64?
    /// What is wrong.
    public var reason: Reason

    /// An error at `offset` (and `decodedOffset` of the decoded stream).
    public init(offset: UInt64, decodedOffset: UInt64? = nil, reason: Reason) {
        self.offset = offset
        self.decodedOffset = decodedOffset
        self.reason = reason
    }

    /// One line: "perf.data byte 1234: …", or "perf.data byte 1234
    /// (COMPRESSED record), decoded byte 56: …".
    public var description: String {
        if let decodedOffset {
            return "perf.data byte \(offset) (COMPRESSED record), decoded byte \(decodedOffset): \(reason)"
        }
        return "perf.data byte \(offset): \(reason)"
    }
}
