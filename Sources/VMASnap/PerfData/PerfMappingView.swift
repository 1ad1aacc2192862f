/// perf's own idea of each process's mappings, rebuilt from its records
/// the way perf's reader builds it (tools/perf/util/machine.c, maps.c):
/// MMAP and MMAP2 records (the ones perf synthesized at start-up from
/// /proc/PID/maps, then the kernel's) add mappings; a new mapping trims or
/// replaces the ones it overlaps; a new process starts with a copy of its
/// parent's; nothing is ever unmapped, since perf never hears of it.
///
/// `vmasnap perf-resolve --compare` sets it beside the recording's answers.
public struct PerfMappingView: Sendable {
    /// One mapping as perf knows it.
    public struct Mapping: Hashable, Sendable {
        /// The first address.
        public var start: UInt64
        /// The address after the last.
        public var end: UInt64
        /// The file offset of `start`.
        public var pageOffset: UInt64
        /// Its name's number in `paths`.
        public var path: Int32
        /// Whether it maps a file by path (not "//anon", "[vdso]" and the like).
        public var isFile: Bool

        /// The file offset of `address`, which it must contain.
        public func fileOffset(of address: UInt64) -> UInt64 { address &- start &+ pageOffset }
    }

    /// Every mapping name seen, by number.
    public private(set) var paths: [[UInt8]] = []
    private var pathNumbers: [[UInt8]: Int32] = [:]
    private var processes: [Int32: [Mapping]] = [:]

    /// An empty view.
    public init() {}

    /// Takes an MMAP or MMAP2 record.
    public mutating func take(_ event: PerfMmapEvent) {
        guard event.length > 0 else { return }
        let number: Int32
        if let known = pathNumbers[event.filename] {
            number = known
        } else {
            number = Int32(paths.count)
            paths.append(event.filename)
            pathNumbers[event.filename] = number
        }
        let mapping = Mapping(start: event.start, end: event.end, pageOffset: event.pageOffset, path: number, isFile: event.isFileBacked)
        var list = processes[event.pid] ?? []
        processes[event.pid] = nil  // Edit the array in place, not a copy.
        PerfMappingView.insert(mapping, into: &list)
        processes[event.pid] = list
    }

    /// A FORK record: a new process starts with its parent's mappings (a
    /// thread shares its process's, and changes nothing here). A pid seen
    /// before is a new process now.
    public mutating func fork(_ event: PerfTaskEvent) {
        guard !event.isThread else { return }
        processes[event.pid] = processes[event.parentPID] ?? []
    }

    /// The mapping perf would answer `address` of `pid` with.
    public func mapping(pid: Int32, address: UInt64) -> Mapping? {
        guard let list = processes[pid] else { return nil }
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) >> 1
            if list[middle].start <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0, address < list[low - 1].end else { return nil }
        return list[low - 1]
    }

    /// Inserts `mapping` into a sorted list, trimming what it overlaps:
    /// the part of an older mapping before it and the part after it stay
    /// (with its file offset moved along), the rest goes.
    static func insert(_ mapping: Mapping, into list: inout [Mapping]) {
        // The first mapping that ends after the new one starts.
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) >> 1
            if list[middle].end <= mapping.start { low = middle + 1 } else { high = middle }
        }
        var replaced: [Mapping] = []
        var last = low
        while last < list.count && list[last].start < mapping.end {
            let old = list[last]
            if old.start < mapping.start {
                var before = old
                before.end = mapping.start
                replaced.append(before)
            }
            replaced.append(mapping)
            if old.end > mapping.end {
                var after = old
                after.start = mapping.end
                after.pageOffset = old.pageOffset &+ (mapping.end - old.start)
                replaced.append(after)
            }
            last += 1
        }
        if replaced.isEmpty {
            list.insert(mapping, at: low)
            return
        }
        // The new mapping once, between the trimmed pieces, in address order.
        var pieces: [Mapping] = replaced.filter { $0 != mapping && $0.end <= mapping.start }
        pieces.append(mapping)
        pieces += replaced.filter { $0 != mapping && $0.start >= mapping.end }
        list.replaceSubrange(low..<last, with: pieces)
    }
}
