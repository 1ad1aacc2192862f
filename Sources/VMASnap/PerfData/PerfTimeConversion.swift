/// How the times of one perf event become times on the recording's clock
/// (CLOCK_MONOTONIC), and how sure that is.
public struct PerfTimeConversion: Hashable, Sendable {
    /// Where the conversion comes from.
    public enum Method: Hashable, Sendable {
        /// The event used CLOCK_MONOTONIC (`perf record -k CLOCK_MONOTONIC`): times match as they are.
        case monotonic
        /// perf's default clock, converted with the recording's measurements
        /// of it (Formats/vmasnap.md, section 2.4).
        case measured([PerfClockReading])
        /// perf's default clock, with an offset estimated from the data (see
        /// `PerfClockEstimate`) or given by the user.
        case offset(Int64)
        /// Another clock (`-k CLOCK_REALTIME`, `CLOCK_BOOTTIME`, ...),
        /// through the wall clock: perf's CLOCK_DATA pairs it with
        /// CLOCK_REALTIME, the recording's header pairs CLOCK_REALTIME with
        /// its clock. `offset` is what that adds.
        case throughWallClock(clockID: Int32, offset: Int64)
        /// perf's default clock or another clock, and nothing to convert it
        /// with: times are taken as they are, and are not comparable.
        case unconverted(clockID: Int32?)
    }

    /// How.
    public var method: Method

    /// A conversion by `method`.
    public init(_ method: Method) {
        self.method = method
    }

    /// `time` (nanoseconds on the event's clock) on the recording's clock.
    @inlinable
    public func recordingTime(_ time: UInt64) -> Int64 {
        let value = Int64(bitPattern: time)
        switch method {
        case .monotonic, .unconverted: return value
        case .offset(let offset), .throughWallClock(_, let offset): return value &+ offset
        case .measured(let readings): return value &+ PerfTimeConversion.offset(at: value, readings)
        }
    }

    /// What `recordingTime` adds at perf time `time`.
    public func offset(at time: UInt64) -> Int64 { recordingTime(time) &- Int64(bitPattern: time) }

    /// Whether times convert to something comparable with the recording.
    public var isComparable: Bool {
        if case .unconverted = method { return false }
        return true
    }

    /// The offset at perf time `time` by measurements sorted by time: the
    /// only one's, or along the line through the two around it (the nearest
    /// two outside them).
    @usableFromInline
    static func offset(at time: Int64, _ readings: [PerfClockReading]) -> Int64 {
        guard let first = readings.first else { return 0 }
        guard readings.count > 1 else { return first.offset }
        var upper = 1
        while upper < readings.count - 1 && readings[upper].perfTime < time { upper += 1 }
        let a = readings[upper - 1]
        let b = readings[upper]
        let span = b.perfTime &- a.perfTime
        guard span > 0 else { return b.offset }
        let fraction = Double(time &- a.perfTime) / Double(span)
        return a.offset &+ Int64((Double(b.offset &- a.offset) * fraction).rounded())
    }

    /// The conversion for an event with `attribute`, given the recording's
    /// measurements of perf's clock, its header and perf's CLOCK_DATA.
    ///
    /// - Parameter estimate: an offset for perf's clock to use when the
    ///   recording has no measurement (estimated, or given by the user).
    public static func choose(
        for attribute: PerfEventAttribute, readings: [PerfClockReading], header: RecordingHeader,
        clockData: PerfDataFeatures.ClockData?, estimate: Int64?
    ) -> PerfTimeConversion {
        if attribute.flags.contains(.useClockID) {
            let clock = attribute.clockID
            if clock >= 0 && UInt64(clock) == header.clock.rawValue { return PerfTimeConversion(.monotonic) }
            if let clockData, clockData.clockID == UInt32(bitPattern: clock), header.referenceRealtime > 0 {
                // clock → realtime by perf's pair, realtime → recording clock by the header's.
                let toRealtime = Int64(bitPattern: clockData.wallClockTime) &- Int64(bitPattern: clockData.clockTime)
                let toRecording = header.referenceMonotonic &- header.referenceRealtime
                return PerfTimeConversion(.throughWallClock(clockID: clock, offset: toRealtime &+ toRecording))
            }
            return PerfTimeConversion(.unconverted(clockID: clock))
        }
        if !readings.isEmpty { return PerfTimeConversion(.measured(readings)) }
        if let estimate { return PerfTimeConversion(.offset(estimate)) }
        return PerfTimeConversion(.unconverted(clockID: nil))
    }
}
