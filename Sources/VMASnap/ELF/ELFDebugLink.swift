/// A .gnu_debuglink: the file name of a separate debug file and the CRC-32
/// of its contents. vmasnap looks such a file up by this name only to
/// find candidates; it uses one only if its build ID matches.
public struct ELFDebugLink: Hashable, Sendable {
    /// The debug file's name, without a directory (raw bytes).
    public var fileName: [UInt8]
    /// The CRC-32 (IEEE) of the debug file's contents.
    public var crc: UInt32

    /// Creates a link.
    public init(fileName: [UInt8], crc: UInt32) {
        self.fileName = fileName
        self.crc = crc
    }
}
