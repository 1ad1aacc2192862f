/// A perf record that cannot be decoded: what is wrong with it. The code
/// that knows where the record came from (a file offset, a ring buffer)
/// adds that; see `PerfDataError`.
public enum PerfEventError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes end inside the named structure.
    case truncated(String, needed: Int, available: Int)
    /// A record shorter than its type's fixed fields.
    case recordTooShort(PerfRecordType, size: Int, minimum: Int)
    /// A count (call-chain frames, branch entries, group members, bytes)
    /// that does not fit the bytes left in the record.
    case countTooLarge(String, count: UInt64, available: Int)
    /// A sample_type with bits this decoder does not know, so that the
    /// fields after them cannot be found.
    case unknownSampleType(PerfSampleType)
    /// A read_format with bits this decoder does not know.
    case unknownReadFormat(PerfReadFormat)
    /// The fields the attribute says a record holds do not add up to its size
    /// (a sample_type that does not describe the record).
    case sizeMismatch(PerfRecordType, declared: Int, decoded: Int)

    /// One phrase: "a SAMPLE record of 24 bytes is shorter than its 32 bytes of fixed fields".
    public var description: String {
        switch self {
        case .truncated(let what, let needed, let available):
            return "\(what) needs \(needed) bytes, only \(available) are there"
        case .recordTooShort(let type, let size, let minimum):
            return "a \(type) record of \(size) bytes is shorter than its \(minimum) bytes of fixed fields"
        case .countTooLarge(let what, let count, let available):
            return "\(what) \(count) does not fit the \(available) bytes left in the record"
        case .unknownSampleType(let type):
            return "sample_type 0x\(String(type.rawValue, radix: 16)) has bits this reader does not know "
                + "(0x\(String(type.subtracting(.known).rawValue, radix: 16)))"
        case .unknownReadFormat(let format):
            return "read_format 0x\(String(format.rawValue, radix: 16)) has bits this reader does not know"
        case .sizeMismatch(let type, let declared, let decoded):
            return "a \(type) record of \(declared) bytes holds \(decoded) bytes of the fields its sample_type names"
        }
    }
}
