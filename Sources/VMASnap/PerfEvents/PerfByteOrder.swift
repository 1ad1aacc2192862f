/// The byte order of perf records: the native order of the machine whose
/// kernel (or perf) wrote them. A reader on a machine of the other order
/// swaps every field as it reads it.
public enum PerfByteOrder: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Least significant byte first (x86-64, arm64, most machines).
    case littleEndian
    /// Most significant byte first (s390x, some POWER and SPARC machines).
    case bigEndian

    /// The order of this machine.
    public static var native: PerfByteOrder {
        UInt16(1).littleEndian == 1 ? .littleEndian : .bigEndian
    }

    /// Whether reading this order on this machine swaps bytes.
    @inlinable
    public var isSwapped: Bool { self != PerfByteOrder.native }

    /// "little-endian" or "big-endian".
    public var description: String { self == .littleEndian ? "little-endian" : "big-endian" }
}
