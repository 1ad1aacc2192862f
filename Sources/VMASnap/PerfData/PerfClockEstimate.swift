/// An estimate of the offset between perf's default clock and the
/// recording's, from the data alone, for recordings without a measurement.
///
/// Every library perf saw mapped after its start-up (a kernel MMAP2 record,
/// at perf time P) that the recording saw appear between two snapshots of
/// the same process (at T0 and T1 on its clock) says: P + offset lies in
/// [T0, T1], so the offset lies in [T0 − P, T1 − P]. A mapping at an address
/// that several loads used gives one such interval per load it could be.
/// The estimate is the value most intervals agree on, narrowed to where
/// those intervals overlap.
public struct PerfClockEstimate: Hashable, Sendable {
    /// The estimated offset (the middle of `range`).
    public var offset: Int64
    /// Every offset consistent with the agreeing intervals.
    public var range: ClosedRange<Int64>
    /// How many mapping records agree.
    public var agreeing: Int
    /// How many mapping records could be matched to a load in the recording at all.
    public var matched: Int

    /// One load perf saw.
    public struct Load: Hashable, Sendable {
        /// perf's time of the MMAP2 record.
        public var time: UInt64
        /// The process.
        public var pid: Int32
        /// The mapping's start address and file offset.
        public var start: UInt64
        /// The file offset of `start`.
        public var pageOffset: UInt64
        /// The file's path.
        public var path: [UInt8]

        /// Creates a load.
        public init(time: UInt64, pid: Int32, start: UInt64, pageOffset: UInt64, path: [UInt8]) {
            self.time = time
            self.pid = pid
            self.start = start
            self.pageOffset = pageOffset
            self.path = path
        }
    }

    /// How far apart the kernel may stamp two events' copies of one MMAP2
    /// (each event reads the clock as it writes its own record: 0.14 ms
    /// apart was seen on a loaded machine). A load the recording dated by
    /// its kernel event has no gap around it, so its interval is a point;
    /// widened by this, the true offsets of several loads overlap. Without
    /// it the deepest point was any single one, a wrong match of a library
    /// loaded twice included (measured: off by the 700 ms between the loads).
    static let stampSkew: Int64 = 1_000_000

    /// The estimate from `loads` and the recording's histories (`histories`
    /// gives every history of a pid), or nil when no load matches one the
    /// recording saw happen.
    public static func estimate(loads: [Load], histories: (Int32) -> [ProcessHistory]) -> PerfClockEstimate? {
        var intervals: [(low: Int64, high: Int64, load: Int)] = []
        var matchedLoads = Set<Int>()
        var cache: [Int32: [ProcessHistory]] = [:]
        for (number, load) in loads.enumerated() {
            let found = cache[load.pid] ?? histories(load.pid)
            cache[load.pid] = found
            let perfTime = Int64(bitPattern: load.time)
            for history in found {
                for index in history.epochs.indices.dropFirst() {
                    let epoch = history.epochs[index]
                    let previous = history.epochs[index - 1]
                    func has(_ mappings: [ExecutableMapping]) -> Bool {
                        mappings.contains { $0.start == load.start && $0.offset == load.pageOffset && $0.path.bytes == load.path }
                    }
                    guard has(epoch.mappings), !has(previous.mappings) else { continue }
                    intervals.append((previous.lastSeen &- perfTime &- stampSkew, epoch.firstSeen &- perfTime &+ stampSkew, number))
                    matchedLoads.insert(number)
                }
            }
        }
        guard !intervals.isEmpty else { return nil }
        // The point covered by the most intervals: sweep their ends.
        var ends: [(value: Int64, opens: Bool)] = []
        for interval in intervals {
            ends.append((interval.low, true))
            ends.append((interval.high, false))
        }
        ends.sort { $0.value != $1.value ? $0.value < $1.value : ($0.opens && !$1.opens) }
        var depth = 0
        var best = 0
        var bestValue = intervals[0].low
        for end in ends {
            depth += end.opens ? 1 : -1
            if depth > best {
                best = depth
                bestValue = end.value
            }
        }
        let agreeing = intervals.filter { $0.low <= bestValue && bestValue <= $0.high }
        let low = agreeing.map(\.low).max()!
        let high = agreeing.map(\.high).min()!
        return PerfClockEstimate(
            offset: low + (high - low) / 2, range: low...max(low, high), agreeing: Set(agreeing.map(\.load)).count,
            matched: matchedLoads.count)
    }
}

extension PerfClockEstimate {
    /// The loads an estimate uses, from a perf.data file read once: its
    /// kernel MMAP2 records (perf's start-up ones have time 0) of executable
    /// file mappings, in events that use perf's default clock.
    ///
    /// - Parameter limit: the most loads to collect.
    /// - Throws: what reading the file throws.
    public static func loads(in reader: PerfDataReader, limit: Int = 100_000) throws -> [Load] {
        var loads: [Load] = []
        try reader.forEachRecord { record in
            guard loads.count < limit, record.header.type == .mmap2 || record.header.type == .mmap,
                let time = record.time, time != 0
            else { return }
            let decoder = reader.events.decoders[record.event]
            guard !decoder.attribute.flags.contains(.useClockID),
                case .mmap(let mapping) = try decoder.event(record.bytes), mapping.isExecutable, mapping.isFileBacked
            else { return }
            loads.append(Load(time: time, pid: mapping.pid, start: mapping.start, pageOffset: mapping.pageOffset, path: mapping.filename))
        }
        return loads
    }
}
