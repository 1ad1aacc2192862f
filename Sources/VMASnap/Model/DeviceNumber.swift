/// A device's major and minor numbers, the "fe:00" of /proc/PID/maps.
public struct DeviceNumber: Hashable, Sendable, CustomStringConvertible {
    /// The major number.
    public var major: UInt32
    /// The minor number.
    public var minor: UInt32

    /// Creates a device number.
    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// The numbers of a `dev_t` as stat(2) reports it on Linux (glibc's
    /// `major()` and `minor()`: 12 bits of major and 20 of minor, split).
    init(encoded device: UInt64) {
        major = UInt32(truncatingIfNeeded: ((device >> 8) & 0xFFF) | ((device >> 32) & 0xFFFF_F000))
        minor = UInt32(truncatingIfNeeded: (device & 0xFF) | ((device >> 12) & 0xFFFF_FF00))
    }

    /// "MAJOR:MINOR" in lowercase hex, at least two digits each, as /proc/PID/maps prints it.
    public var description: String {
        "\(Hex.digits(UInt64(major), minimumDigits: 2)):\(Hex.digits(UInt64(minor), minimumDigits: 2))"
    }
}
