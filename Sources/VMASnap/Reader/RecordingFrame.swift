/// A frame of a recording, as `RecordingReader.records()` announces it
/// before its records.
public struct RecordingFrame: Hashable, Sendable {
    /// The file offset of its first byte.
    public var offset: UInt64
    /// Its number among the records frames (0, 1, 2…).
    public var number: Int
    /// Bytes of the whole frame in the file.
    public var length: Int
    /// Whether its payload is zstd-compressed.
    public var compressed: Bool
    /// Bytes of its payload in the file.
    public var storedLength: Int
    /// Bytes of its payload once decoded.
    public var decodedLength: Int
}
