/// One resolved address of perf script text: a sample's ip or one frame of
/// its call chain.
public struct PerfScriptAnswer: Hashable, Sendable {
    /// The sample's pid.
    public var pid: Int32
    /// The sample's time, nanoseconds.
    public var time: Int64
    /// The value perf printed (an address, or an offset when `resolution`
    /// is "relative").
    public var address: UInt64
    /// Its resolution.
    public var resolution: Resolution
    /// Whether it is a call-chain frame rather than an ip on the sample line.
    public var isFrame: Bool

    /// Creates an answer.
    public init(pid: Int32, time: Int64, address: UInt64, resolution: Resolution, isFrame: Bool) {
        self.pid = pid
        self.time = time
        self.address = address
        self.resolution = resolution
        self.isFrame = isFrame
    }
}
