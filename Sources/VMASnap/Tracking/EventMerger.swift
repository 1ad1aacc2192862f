/// Merges the records of per-CPU buffers into one stream in time order.
///
/// Each buffer's records come in time order (a CPU writes its own buffer),
/// but a task's records move between buffers when it migrates, so a record
/// is handed on only when no buffer can still produce an older one: when it
/// is older than the moment every buffer was last read (less a margin for a
/// record being written as its buffer was read). The rest wait for the next
/// read. Perf does the same with its rounds (FINISHED_ROUND).
struct EventMerger {
    private var queues: [[TimedRecord]]
    private var heads: [Int]
    /// When each buffer was last read.
    private var readTimes: [Int64]
    /// The time of the last record handed on.
    private(set) var lastTime: Int64 = .min
    /// Records that arrived older than one already handed on (a writer slower
    /// than the margin): handed on anyway, out of order, and counted.
    private(set) var lateRecords = 0
    /// Records that came out of order within one buffer (put in order there).
    private(set) var reorderedInBuffer = 0

    /// A merger of `buffers` streams, none read yet.
    init(buffers: Int) {
        queues = Array(repeating: [], count: buffers)
        heads = Array(repeating: 0, count: buffers)
        readTimes = Array(repeating: .min, count: buffers)
    }

    /// How many records wait.
    var pendingCount: Int {
        var count = 0
        for index in queues.indices { count += queues[index].count - heads[index] }
        return count
    }

    /// The time of the oldest waiting record.
    var oldestPending: Int64? {
        var oldest: Int64?
        for index in queues.indices where heads[index] < queues[index].count {
            let time = queues[index][heads[index]].time
            if oldest == nil || time < oldest! { oldest = time }
        }
        return oldest
    }

    /// Before this time every record has been read from every buffer.
    var readHorizon: Int64 { readTimes.min() ?? .min }

    /// Adds what buffer `index` holds, read at `readTime` (taken before its
    /// head was read): `fill` appends the records to the queue it is given.
    mutating func read(buffer index: Int, readTime: Int64, _ fill: (inout [TimedRecord]) -> Void) {
        readTimes[index] = readTime
        if heads[index] > 0 && heads[index] * 2 >= queues[index].count {
            queues[index].removeFirst(heads[index])
            heads[index] = 0
        }
        let start = queues[index].count
        fill(&queues[index])
        // A CPU writes its own buffer in time order, nearly always; where not,
        // sort what waits (stably: records of one time keep the kernel's order).
        let sortFrom = max(heads[index], start - 1)
        var sorted = true
        var position = sortFrom + 1
        while position < queues[index].count {
            if queues[index][position].time < queues[index][position - 1].time { sorted = false; break }
            position += 1
        }
        guard !sorted else { return }
        reorderedInBuffer += 1
        let waiting = Array(queues[index][heads[index]...])
        let order = waiting.indices.sorted { (waiting[$0].time, $0) < (waiting[$1].time, $1) }
        queues[index].replaceSubrange(heads[index]..., with: order.map { waiting[$0] })
    }

    /// Adds `records` as what buffer `index` held when read at `readTime`.
    mutating func add(_ records: [TimedRecord], buffer index: Int, readTime: Int64) {
        read(buffer: index, readTime: readTime) { $0 += records }
    }

    /// Hands on, oldest first, every waiting record older than `limit`.
    mutating func take(before limit: Int64, _ body: (TimedRecord) -> Void) {
        while true {
            var best = -1
            var bestTime = Int64.max
            for index in queues.indices where heads[index] < queues[index].count {
                let time = queues[index][heads[index]].time
                if time < bestTime { best = index; bestTime = time }
            }
            guard best >= 0, bestTime < limit else { return }
            let record = queues[best][heads[best]]
            heads[best] += 1
            if record.time < lastTime { lateRecords += 1 } else { lastTime = record.time }
            body(record)
        }
    }
}
