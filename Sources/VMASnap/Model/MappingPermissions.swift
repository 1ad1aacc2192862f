/// The permission bits of a mapping, as /proc/PID/maps shows them ("r-xp").
///
/// The raw values are PROCMAP_QUERY's `PROCMAP_QUERY_VMA_*` flags, which the
/// recording format also stores.
public struct MappingPermissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The PROCMAP_QUERY_VMA_* bits.
    public var rawValue: UInt8
    /// Wraps PROCMAP_QUERY_VMA_* bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The mapping can be read.
    public static let read = MappingPermissions(rawValue: 0x01)
    /// The mapping can be written.
    public static let write = MappingPermissions(rawValue: 0x02)
    /// The mapping can be executed.
    public static let execute = MappingPermissions(rawValue: 0x04)
    /// The mapping is shared (MAP_SHARED); otherwise private, shown as "p".
    public static let shared = MappingPermissions(rawValue: 0x08)

    /// The four-character form of /proc/PID/maps, such as "r-xp".
    public var description: String {
        String(decoding: [
            contains(.read) ? UInt8(ascii: "r") : UInt8(ascii: "-"),
            contains(.write) ? UInt8(ascii: "w") : UInt8(ascii: "-"),
            contains(.execute) ? UInt8(ascii: "x") : UInt8(ascii: "-"),
            contains(.shared) ? UInt8(ascii: "s") : UInt8(ascii: "p"),
        ], as: UTF8.self)
    }

    /// Parses the four-character form; nil unless it is exactly that.
    public init?<Bytes: Collection>(maps text: Bytes) where Bytes.Element == UInt8 {
        guard text.count == 4 else { return nil }
        var value = MappingPermissions()
        for (index, byte) in text.enumerated() {
            switch (index, byte) {
            case (0, UInt8(ascii: "r")): value.insert(.read)
            case (1, UInt8(ascii: "w")): value.insert(.write)
            case (2, UInt8(ascii: "x")): value.insert(.execute)
            case (3, UInt8(ascii: "s")): value.insert(.shared)
            case (3, UInt8(ascii: "p")), (_, UInt8(ascii: "-")): break
            default: return nil
            }
        }
        self = value
    }
}
