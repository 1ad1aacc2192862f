/// One question for the index: address `address` in process `pid` at `time`
/// (nanoseconds on the recording's clock).
public struct LookupQuery: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// Nanoseconds on the recording's clock (CLOCK_MONOTONIC).
    public var time: Int64
    /// The address.
    public var address: UInt64

    /// Creates a query.
    @inlinable
    public init(pid: Int32, time: Int64, address: UInt64) {
        self.pid = pid
        self.time = time
        self.address = address
    }
}
