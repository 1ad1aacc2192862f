/// An address index that reads the histories of a pid the first time a
/// lookup asks about it, so that memory follows the processes looked up,
/// not the size of the recording (`vmasnap lookup` works so).
///
/// Each pid's histories are indexed on their own, once, and kept: the cost
/// of loading is linear in the pids loaded and their histories, whatever was
/// loaded before. Mapping IDs are unique across pids. It grows as it is
/// used, so it belongs to one thread; share an `AddressIndex` instead.
public final class LoadingAddressIndex {
    /// The histories loaded so far, in the order loaded.
    public private(set) var histories: [ProcessHistory] = []
    /// Errors from loading histories (a damaged part of a recording); the
    /// pids concerned are unknown to the index.
    public private(set) var loadingErrors: [Error] = []

    private let loader: (Int32) throws -> [ProcessHistory]
    /// Per pid asked about: what answers for it (nil when it has no snapshot).
    private var parts: [Int32: Part?] = [:]
    /// The distinct mappings of each pid loaded, in the order loaded, and
    /// the mapping ID of the first of each: IDs are unique across pids, and
    /// no pid's mappings are copied when another loads.
    private var mappingLists: [[ExecutableMapping]] = []
    private var firstMappingIDs: [Int32] = []
    /// How many distinct mappings the pids loaded so far hold.
    public private(set) var mappingCount = 0

    /// What answers for one pid: its tables, and where its histories begin in `histories`.
    struct Part {
        var tables: LookupTables
        var firstHistory: Int
    }

    /// An index that calls `loader` the first time a lookup asks about a pid.
    ///
    /// - Parameter loader: gives every history with that pid (for example
    ///   `RecordingReader.histories(pid:)`); histories of other pids are ignored.
    public init(loadingHistoriesWith loader: @escaping (Int32) throws -> [ProcessHistory]) {
        self.loader = loader
    }

    /// What answers for `pid`, loading its histories on first use.
    func part(pid: Int32) -> Part? {
        if let part = parts[pid] { return part }
        var part: Part?
        do {
            let loaded = try loader(pid).filter { $0.process.identity.pid == pid }
            var builder = AddressIndexBuilder(firstMappingID: Int32(clamping: mappingCount))
            builder.add(loaded)
            if !builder.tables.instances.isEmpty {
                part = Part(tables: builder.tables, firstHistory: histories.count)
                firstMappingIDs.append(Int32(clamping: mappingCount))
                mappingLists.append(builder.mappings)
                mappingCount += builder.mappings.count
                histories += loaded
            }
        } catch {
            loadingErrors.append(error)
        }
        parts[pid] = .some(part)
        return part
    }

    /// The mapping with number `id`, as a resolution gives it.
    ///
    /// - Parameter id: a `Resolution.mappingID` of this index.
    /// - Returns: the mapping.
    public func mapping(_ id: Int32) -> ExecutableMapping {
        // The last list whose first ID is at or before `id`.
        var low = 0
        var high = firstMappingIDs.count
        while low < high {
            let middle = (low + high) >> 1
            if firstMappingIDs[middle] <= id { low = middle + 1 } else { high = middle }
        }
        return mappingLists[low - 1][Int(id - firstMappingIDs[low - 1])]
    }

    /// The mapping a resolution answered with, if any.
    ///
    /// - Parameter resolution: an answer of this index.
    /// - Returns: its mapping, nil when it has none.
    public func mapping(of resolution: Resolution) -> ExecutableMapping? {
        resolution.mappingID.map { mapping($0) }
    }

    /// The history of the process instance that answers for `pid` at `time`,
    /// loading the pid's histories on first use.
    ///
    /// - Parameters:
    ///   - pid: the process ID.
    ///   - time: nanoseconds on the recording's clock.
    /// - Returns: the history, nil when no instance had a snapshot by then.
    public func history(pid: Int32, at time: Int64) -> ProcessHistory? {
        guard let part = part(pid: pid), let range = part.tables.instancesByPID[pid],
            let found = part.tables.lastInstance(in: range, atOrBefore: time)
        else { return nil }
        return histories[part.firstHistory + Int(part.tables.instances[found].history)]
    }

    /// Resolves one address, loading the pid's histories on first use.
    ///
    /// - Parameters:
    ///   - pid: the process ID.
    ///   - time: nanoseconds on the recording's clock.
    ///   - address: the address.
    /// - Returns: the answer.
    public func resolve(pid: Int32, time: Int64, address: UInt64) -> Resolution {
        var cursor = LookupCursor(index: self)
        return cursor.resolve(pid: pid, time: time, address: address)
    }

    /// Resolves a batch, sorted or not, in order.
    ///
    /// - Parameter queries: the queries.
    /// - Returns: one answer per query.
    public func resolve(_ queries: [LookupQuery]) -> [Resolution] {
        var cursor = LookupCursor(index: self)
        return queries.map { cursor.resolve($0) }
    }
}
