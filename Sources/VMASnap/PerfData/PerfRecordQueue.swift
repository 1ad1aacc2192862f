/// perf's ordered events: kernel records held until a FINISHED_ROUND says
/// that every record of a later round is later than them, then handed on
/// in time order (tools/perf/util/ordered-events.c).
///
/// At each FINISHED_ROUND, the records with a time up to the largest time
/// seen at the previous FINISHED_ROUND are delivered; the rest wait. So the
/// queue holds about two rounds of records, whatever the file's size. A
/// file without rounds would be held whole: past `byteLimit`, the earliest
/// half is delivered (perf's OE_FLUSH__HALF).
struct PerfRecordQueue {
    /// One record waiting.
    struct Entry {
        var time: UInt64
        var sequence: UInt64
        var start: Int
        var length: Int
        var event: Int
        /// Where it came from (the COMPRESSED record's offset for decoded records).
        var offset: UInt64
        var decodedOffset: UInt64?
    }

    private(set) var entries: [Entry] = []
    private var arena: [UInt8] = []
    private var sequence: UInt64 = 0
    private var nextFlush: UInt64 = 0
    private var maxTime: UInt64 = 0
    /// The time of the last record delivered.
    private(set) var lastDelivered: UInt64 = 0
    /// Records that came with a time before one already delivered (perf warns of these).
    private(set) var outOfOrder = 0
    /// The most bytes of records held at once.
    private(set) var largestHeldBytes = 0
    /// How often the byte limit forced half the queue out.
    private(set) var forcedFlushes = 0
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    /// The bytes held now.
    var heldBytes: Int { arena.count }

    /// Holds a copy of `record` until its time comes.
    mutating func push(_ record: UnsafeRawBufferPointer, time: UInt64, event: Int, offset: UInt64, decodedOffset: UInt64?) {
        if time < lastDelivered { outOfOrder += 1 }
        if time > maxTime { maxTime = time }
        entries.append(Entry(time: time, sequence: sequence, start: arena.count, length: record.count, event: event,
                             offset: offset, decodedOffset: decodedOffset))
        sequence += 1
        arena.append(contentsOf: record)
        if arena.count > largestHeldBytes { largestHeldBytes = arena.count }
    }

    /// Whether the byte limit calls for `flushHalf`.
    var isOverLimit: Bool { arena.count > byteLimit }

    /// A FINISHED_ROUND: delivers what the previous round made safe.
    mutating func finishRound(_ deliver: (Entry, UnsafeRawBufferPointer) throws -> Void) rethrows {
        let limit = nextFlush
        try flush(count: nil, upTo: limit, deliver)
        nextFlush = maxTime
    }

    /// Delivers the earliest half (the byte limit was passed).
    mutating func flushHalf(_ deliver: (Entry, UnsafeRawBufferPointer) throws -> Void) rethrows {
        forcedFlushes += 1
        try flush(count: max(entries.count / 2, 1), upTo: .max, deliver)
    }

    /// Delivers everything (the end of the input).
    mutating func flushAll(_ deliver: (Entry, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try flush(count: nil, upTo: .max, deliver)
    }

    /// Delivers, in time order (ties in arrival order), the records with a
    /// time up to `limit`, at most `count` of them.
    private mutating func flush(count: Int?, upTo limit: UInt64, _ deliver: (Entry, UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard !entries.isEmpty else { return }
        if !PerfRecordQueue.isSorted(entries) {
            entries.sort { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence }
        }
        // The first entry later than the limit.
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) >> 1
            if entries[middle].time <= limit { low = middle + 1 } else { high = middle }
        }
        let delivered = min(low, count ?? low)
        guard delivered > 0 else { return }
        try arena.withUnsafeBytes { raw in
            for index in 0..<delivered {
                let entry = entries[index]
                lastDelivered = entry.time
                try deliver(entry, UnsafeRawBufferPointer(rebasing: raw[entry.start..<entry.start + entry.length]))
            }
        }
        compact(keepingFrom: delivered)
    }

    /// Drops the first `first` entries and their bytes.
    private mutating func compact(keepingFrom first: Int) {
        if first == entries.count {
            entries.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
            return
        }
        var kept: [UInt8] = []
        kept.reserveCapacity(max(arena.count / 2, 1 << 16))
        var remaining: [Entry] = []
        remaining.reserveCapacity(entries.count - first)
        arena.withUnsafeBytes { raw in
            for var entry in entries[first...] {
                let start = kept.count
                kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[entry.start..<entry.start + entry.length]))
                entry.start = start
                remaining.append(entry)
            }
        }
        arena = kept
        entries = remaining
    }

    private static func isSorted(_ entries: [Entry]) -> Bool {
        var previous = entries[0]
        for entry in entries.dropFirst() {
            if entry.time < previous.time { return false }
            previous = entry
        }
        return true
    }
}
