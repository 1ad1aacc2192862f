/// A mapped file's name exactly as the kernel gives it: raw bytes, because a
/// process chooses its own file names and they need not be UTF-8. Printing
/// goes through `TextEscaping` or `JSONWriter`, which make any bytes safe.
public struct MappedPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw bytes, without a terminating NUL.
    public let bytes: [UInt8]

    /// Wraps raw bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The suffix the kernel appends to the name of an unlinked file.
    public static let deletedSuffix = Array(" (deleted)".utf8)

    /// Whether the kernel marked the file as unlinked.
    public var isDeleted: Bool { bytes.count >= 10 && bytes.suffix(10).elementsEqual(MappedPath.deletedSuffix) }

    /// The name, safe for a terminal: control characters, backslashes and
    /// invalid UTF-8 escaped (see `TextEscaping`).
    public var description: String { TextEscaping.escape(bytes) }

    /// The name as a String, with invalid UTF-8 replaced by U+FFFD; for
    /// display where lossless output is not needed.
    public var lossyString: String { String(decoding: bytes, as: UTF8.self) }

    /// Hashes the bytes in one call (the synthesized conformance feeds the
    /// hasher a byte at a time, which dominated the writer's profile).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Orders by raw bytes.
    public static func < (lhs: MappedPath, rhs: MappedPath) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
