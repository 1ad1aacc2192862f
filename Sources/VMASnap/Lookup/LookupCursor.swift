/// Resolves addresses one after another against an `AddressIndex` or a
/// `LoadingAddressIndex`, remembering where the last one was answered: the
/// next query with the same pid and a time in the same segment skips the pid
/// and time searches, and one in the same mapping skips the address search too.
///
/// A cursor is a small value; make one per thread or task (over a shared
/// `AddressIndex`). Queries may come in any order; sorted ones (by pid, then
/// time, as perf script gives them per thread) are the fastest.
public struct LookupCursor {
    private enum Source {
        case complete(AddressIndex)
        case loading(LoadingAddressIndex)
    }

    private let source: Source
    // The arrays of the tables answering for the cached pid: the index's
    // own, or, for a loading index, that pid's part. Held here, retained
    // once, so that a lookup reads them without retaining anything.
    private var instances: [LookupTables.Instance]
    private var instancesByPID: [Int32: LookupTables.InstanceRange]
    private var segments: [LookupTables.Segment]
    private var entries: [LookupTables.Entry]

    // What the last located (pid, time) found, valid for times in
    // [validFrom, validUntil) of `cachedPID`.
    private var hasCache = false
    private var cachedPID: Int32 = 0
    private var validFrom: Int64 = 0
    private var validUntil: Int64 = 0
    private var state: State = .unknownPID
    private var tableLow = 0
    private var tableHigh = 0
    private var lastEntry = 0

    private enum State {
        case unknownPID, beforeFirstSnapshot, afterExit, stable, transition
    }

    /// A cursor over `index`.
    ///
    /// - Parameter index: a complete index, which may be shared with other cursors.
    public init(index: AddressIndex) {
        source = .complete(index)
        (instances, instancesByPID, segments, entries) = Self.arrays(of: index.tables)
    }

    /// A cursor over a loading index, which loads each pid's histories the
    /// first time this (or another) cursor asks about it.
    ///
    /// - Parameter index: the loading index.
    public init(index: LoadingAddressIndex) {
        source = .loading(index)
        (instances, instancesByPID, segments, entries) = Self.arrays(of: LookupTables())
    }

    private static func arrays(of tables: LookupTables) -> (
        [LookupTables.Instance], [Int32: LookupTables.InstanceRange], [LookupTables.Segment], [LookupTables.Entry]
    ) {
        (tables.instances, tables.instancesByPID, tables.segments, tables.entries)
    }

    /// Resolves `address` in process `pid` at `time` (nanoseconds on the
    /// recording's clock).
    @inlinable
    public mutating func resolve(_ query: LookupQuery) -> Resolution {
        resolve(pid: query.pid, time: query.time, address: query.address)
    }

    /// Resolves `address` in process `pid` at `time` (nanoseconds on the
    /// recording's clock).
    public mutating func resolve(pid: Int32, time: Int64, address: UInt64) -> Resolution {
        if address >= ResolutionStatus.kernelAddressStart { return Resolution(status: .kernel) }
        if !(hasCache && pid == cachedPID && time >= validFrom && time < validUntil) {
            locate(pid: pid, time: time)
        }
        switch state {
        case .unknownPID: return Resolution(status: .unknownPID)
        case .beforeFirstSnapshot: return Resolution(status: .beforeFirstSnapshot)
        case .afterExit: return Resolution(status: .afterExit)
        case .stable, .transition: break
        }
        var found = lastEntry
        if !(found < tableHigh && entries[found].start <= address && address < entries[found].end) {
            // The last entry starting at or before the address.
            var low = tableLow
            var high = tableHigh
            while low < high {
                let middle = (low + high) >> 1
                if entries[middle].start <= address { low = middle + 1 } else { high = middle }
            }
            guard low > tableLow, address < entries[low - 1].end else { return Resolution(status: .unmapped) }
            found = low - 1
            lastEntry = found
        }
        let entry = entries[found]
        let status: ResolutionStatus
        switch (state, entry.change) {
        case (.transition, .kept), (.stable, .kept), (.stable, .removed): status = .exact
        case (.transition, .removed): status = .unloadedBetween
        case (.transition, .loaded): status = .loadedBetween
        default: return Resolution(status: .unmapped)  // arrives only later
        }
        return Resolution(status: status, mappingID: entry.mapping, fileOffset: address &+ entry.base)
    }

    /// The lowest start address of any mapping that could answer for `pid`
    /// at `time` (in the snapshot before or the one after), or nil when the
    /// process is not known then. Call-chain readers use it: a user-space
    /// "address" below every mapping of its process is an offset, not an
    /// address.
    public mutating func lowestMappedAddress(pid: Int32, time: Int64) -> UInt64? {
        if !(hasCache && pid == cachedPID && time >= validFrom && time < validUntil) {
            locate(pid: pid, time: time)
        }
        guard state == .stable || state == .transition, tableLow < tableHigh else { return nil }
        return entries[tableLow].start
    }

    /// Finds the segment that answers for `pid` at `time` and caches it.
    private mutating func locate(pid: Int32, time: Int64) {
        if case .loading(let index) = source, !(hasCache && pid == cachedPID) {
            // A loading index may load the pid here.
            (instances, instancesByPID, segments, entries) = Self.arrays(of: index.part(pid: pid)?.tables ?? LookupTables())
        }
        hasCache = true
        cachedPID = pid
        guard let range = instancesByPID[pid] else {
            state = .unknownPID
            validFrom = Int64.min
            validUntil = Int64.max
            return
        }
        guard let found = LookupTables.lastInstance(in: instances, range: range, atOrBefore: time) else {
            state = .beforeFirstSnapshot
            validFrom = Int64.min
            validUntil = instances[Int(range.lowerBound)].firstTime
            return
        }
        let instance = instances[found]
        let nextInstanceStart = found + 1 < Int(range.upperBound) ? instances[found + 1].firstTime : Int64.max

        // The last segment starting at or before `time` (the first starts at
        // the instance's first snapshot, which is at or before it).
        var low = Int(instance.segmentLow)
        var high = Int(instance.segmentHigh)
        while low < high {
            let middle = (low + high) >> 1
            if segments[middle].start <= time { low = middle + 1 } else { high = middle }
        }
        let segment = segments[max(low - 1, Int(instance.segmentLow))]
        validFrom = segment.start
        validUntil = min(segment.end, nextInstanceStart)
        tableLow = Int(segment.tableLow)
        tableHigh = Int(segment.tableHigh)
        lastEntry = tableHigh
        switch segment.kind {
        case .stable: state = .stable
        case .transition: state = .transition
        case .afterExit: state = .afterExit
        }
    }
}
