/// The call chain of a sample (PERF_SAMPLE_CALLCHAIN): its entries as the
/// kernel wrote them, leaf first, with PERF_CONTEXT_* markers (see
/// `PerfCallchainContext`) before each run of kernel or user frames.
///
/// A view into the record's bytes, valid only while they are.
public struct PerfCallchain: RandomAccessCollection {
    /// Where the entries start (nil when there are none).
    let base: UnsafeRawPointer?
    let swapped: Bool
    /// The number of entries, markers included.
    public let count: Int

    /// No call chain.
    public static var empty: PerfCallchain { PerfCallchain(base: nil, swapped: false, count: 0) }

    init(base: UnsafeRawPointer?, swapped: Bool, count: Int) {
        self.base = base
        self.swapped = swapped
        self.count = count
    }

    /// The first index.
    public var startIndex: Int { 0 }
    /// One past the last index.
    public var endIndex: Int { count }

    /// The entry at `position`, an address or a marker.
    public subscript(position: Int) -> UInt64 {
        precondition(position >= 0 && position < count, "call-chain index out of range")
        return entry(position)
    }

    /// The entry at `position`, which the caller has checked.
    func entry(_ position: Int) -> UInt64 {
        let value = base!.loadUnaligned(fromByteOffset: position &* 8, as: UInt64.self)
        return swapped ? value.byteSwapped : value
    }
}

/// The context a PERF_CONTEXT_* marker in a call chain opens: the entries
/// that follow it, up to the next marker, are frames of that context.
public enum PerfCallchainContext: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// PERF_CONTEXT_HV (-32).
    case hypervisor
    /// PERF_CONTEXT_KERNEL (-128).
    case kernel
    /// PERF_CONTEXT_USER (-512).
    case user
    /// PERF_CONTEXT_GUEST (-2048).
    case guest
    /// PERF_CONTEXT_GUEST_KERNEL (-2176).
    case guestKernel
    /// PERF_CONTEXT_GUEST_USER (-2560).
    case guestUser

    /// PERF_CONTEXT_MAX (-4095): entries at or above it are markers, never addresses.
    public static let markerStart = UInt64(bitPattern: -4095)

    /// The context a marker opens; nil for an address. An unknown value in
    /// the marker range is no address either: it is `nil` here but
    /// `isMarker` says so.
    @inlinable
    public init?(marker value: UInt64) {
        switch Int64(bitPattern: value) {
        case -32: self = .hypervisor
        case -128: self = .kernel
        case -512: self = .user
        case -2048: self = .guest
        case -2176: self = .guestKernel
        case -2560: self = .guestUser
        default: return nil
        }
    }

    /// Whether a call-chain entry is a marker rather than an address.
    @inlinable
    public static func isMarker(_ value: UInt64) -> Bool { value >= markerStart }

    /// The context of a sample's own ip, from its record's CPU mode.
    public init?(cpuMode: UInt16) {
        switch cpuMode {
        case PerfRecordMisc.kernel: self = .kernel
        case PerfRecordMisc.user: self = .user
        case PerfRecordMisc.hypervisor: self = .hypervisor
        case PerfRecordMisc.guestKernel: self = .guestKernel
        case PerfRecordMisc.guestUser: self = .guestUser
        default: return nil
        }
    }

    /// Whether frames of this context are addresses of the sampled process.
    @inlinable
    public var isUser: Bool { self == .user }

    /// "kernel", "user", "hypervisor", "guest", "guest-kernel" or "guest-user".
    public var description: String {
        switch self {
        case .hypervisor: return "hypervisor"
        case .kernel: return "kernel"
        case .user: return "user"
        case .guest: return "guest"
        case .guestKernel: return "guest-kernel"
        case .guestUser: return "guest-user"
        }
    }
}
