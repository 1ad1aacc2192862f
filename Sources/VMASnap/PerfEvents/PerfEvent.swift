/// A decoded kernel record (type below 64). Records of other types keep
/// their type only (`other`); their sample_id trailer is still decodable.
public enum PerfEvent {
    /// SAMPLE.
    case sample(PerfSample)
    /// MMAP or MMAP2.
    case mmap(PerfMmapEvent)
    /// COMM.
    case comm(PerfCommEvent)
    /// FORK.
    case fork(PerfTaskEvent)
    /// EXIT.
    case exit(PerfTaskEvent)
    /// LOST: `count` records of the event with `id` were dropped.
    case lost(id: UInt64, count: UInt64)
    /// LOST_SAMPLES: `count` samples were dropped.
    case lostSamples(count: UInt64)
    /// THROTTLE or UNTHROTTLE.
    case throttle(PerfThrottleEvent)
    /// Any other kernel record.
    case other(PerfRecordType)
}
