/// An ELF build ID (the NT_GNU_BUILD_ID note): raw bytes of any length up to
/// 64. SHA-1 IDs are 20 bytes, but linkers also write 8, 16 and 32, and
/// `--build-id=0x…` any length, so nothing here assumes 20.
public struct BuildID: Hashable, Sendable, CustomStringConvertible {
    /// The longest build ID vmasnap keeps.
    public static let maximumLength = 64

    /// The raw bytes.
    public let bytes: [UInt8]

    /// Wraps raw bytes; nil when empty or longer than `maximumLength`.
    public init?<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        guard !array.isEmpty, array.count <= BuildID.maximumLength else { return nil }
        self.bytes = array
    }

    /// Parses lowercase or uppercase hex, as `description` prints it.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = Hex.value(of: utf8[index]), let low = Hex.value(of: utf8[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }

    /// Hashes the bytes in one call, not a byte at a time.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Lowercase hex, two digits a byte.
    public var description: String { Hex.string(bytes) }
}
