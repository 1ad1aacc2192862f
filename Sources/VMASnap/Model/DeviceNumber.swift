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

    /// "MAJOR:MINOR" in lowercase hex, at least two digits each, as /proc/PID/maps prints it.
    public var description: String {
        "\(Hex.digits(UInt64(major), minimumDigits: 2)):\(Hex.digits(UInt64(minor), minimumDigits: 2))"
    }
}
