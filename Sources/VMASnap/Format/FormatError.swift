/// A recording that cannot be read as vmasnap format version 1, with the byte
/// where the problem is: "byte 1234: frame checksum mismatch".
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. (An `Error` too: decoders throw a bare reason, and
    /// the code that knows the byte offset wraps it in a `FormatError`.)
    public enum Reason: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file does not start with "VMASNAP\0".
        case notARecording
        /// A major version this reader does not know (it reads major 1, any minor).
        case unsupportedVersion(major: UInt16, minor: UInt16)
        /// The header's CRC-32C does not match its bytes.
        case headerChecksumMismatch(stored: UInt32, computed: UInt32)
        /// A frame's CRC-32C does not match its bytes.
        case frameChecksumMismatch(stored: UInt32, computed: UInt32)
        /// The data ends inside the named structure (a cut-short file, or a
        /// length that points past its container).
        case truncated(String)
        /// A length or count larger than the format allows.
        case tooLarge(String, value: UInt64, limit: UInt64)
        /// A varint longer than 10 bytes.
        case varintTooLong(String)
        /// A varint whose value does not fit 64 bits.
        case varintOverflow(String)
        /// A frame encoding other than 0 (stored) and 1 (zstd).
        case unknownEncoding(UInt8)
        /// zstd rejected a frame's payload.
        case decompressionFailed(String)
        /// A declared length that the data does not match.
        case lengthMismatch(String, declared: UInt64, actual: UInt64)
        /// A number that refers to nothing defined before it.
        case undefined(String, number: UInt64)
        /// A value the format does not allow here (explained).
        case invalid(String)
        /// The frames end without the index and footer that a recorder writes
        /// when it finishes: it was killed or is still running.
        case unfinished

        /// A short phrase: "frame checksum mismatch (stored 0x…, computed 0x…)".
        public var description: String {
            switch self {
            case .notARecording:
                return "not a vmasnap recording (no \"VMASNAP\" magic)"
            case .unsupportedVersion(let major, let minor):
                return "format version \(major).\(minor) is not supported (this vmasnap reads versions 1.x and 2.x)"
            case .headerChecksumMismatch(let stored, let computed):
                return "header checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))"
            case .frameChecksumMismatch(let stored, let computed):
                return "frame checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))"
            case .truncated(let what):
                return "data ends inside \(what)"
            case .tooLarge(let what, let value, let limit):
                return "\(what) \(value) exceeds the limit \(limit)"
            case .varintTooLong(let what):
                return "\(what): varint longer than 10 bytes"
            case .varintOverflow(let what):
                return "\(what): varint overflows 64 bits"
            case .unknownEncoding(let value):
                return "unknown frame encoding \(value)"
            case .decompressionFailed(let message):
                return "zstd could not decode the frame: \(message)"
            case .lengthMismatch(let what, let declared, let actual):
                return "\(what) is \(actual) bytes, not the declared \(declared)"
            case .undefined(let what, let number):
                return "\(what) \(number) is not defined before it is used"
            case .invalid(let message):
                return message
            case .unfinished:
                return "the file ends without an index and footer (the recorder did not finish)"
            }
        }

        private func hex(_ value: UInt32) -> String { Hex.address(UInt64(value)) }
    }

    /// The byte of the file where the problem is: exact for the header and
    /// stored frames; for a zstd frame, the frame's first byte (and
    /// `decodedOffset` says where in its decoded payload).
    public var offset: UInt64
    /// The offset inside the decoded payload of the compressed frame at `offset`.
    public var decodedOffset: UInt64?
    /// What is wrong.
    public var reason: Reason

    /// An error at `offset` of the file (and `decodedOffset` of the frame there).
    public init(offset: UInt64, decodedOffset: UInt64? = nil, reason: Reason) {
        self.offset = offset
        self.decodedOffset = decodedOffset
        self.reason = reason
    }

    /// One line: "byte 1234: frame checksum mismatch (…)", or
    /// "byte 1234 (frame), decoded byte 56: …" inside a compressed frame.
    public var description: String {
        if let decodedOffset {
            return "byte \(offset) (compressed frame), decoded byte \(decodedOffset): \(reason)"
        }
        return "byte \(offset): \(reason)"
    }
}
