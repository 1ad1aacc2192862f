extension PerfEventAttribute {
    /// The fields of every record's sample_id trailer (and of tracepoint
    /// samples, which add RAW): the id first in samples and last in the
    /// trailer, so that records of both kinds of event sharing a buffer can be
    /// told apart, and pid/tid, time and CPU for merging.
    static let trackingSampleType: PerfSampleType = [.identifier, .tid, .time, .cpu]

    /// A software dummy event that samples nothing and writes FORK, EXIT,
    /// COMM (exec marked) and MMAP2 records for executable mappings, with
    /// CLOCK_MONOTONIC times, starting disabled.
    ///
    /// `mmap` is set with `mmap2`: the kernel skips mmap reporting entirely
    /// while no event has `mmap` (PERF-EVENTS.md, section 1).
    ///
    /// - Parameters:
    ///   - inherit: follow the threads and children created later (per-task events).
    ///   - buildIDs: MMAP2 records with build IDs where the kernel has them
    ///     (which leaks their flag to other events: `TrackingOptions.buildIDs`).
    ///   - wakeupBytes: the watermark at which the poller wakes.
    static func tracking(inherit: Bool, buildIDs: Bool, wakeupBytes: UInt32) -> PerfEventAttribute {
        var attribute = PerfEventAttribute(type: typeSoftware, config: configDummy)
        attribute.sampleType = trackingSampleType
        attribute.flags = [.disabled, .mmap, .mmap2, .comm, .commExec, .task, .sampleIDAll]
        if inherit { attribute.flags.insert(.inherit) }
        if buildIDs { attribute.flags.insert(.buildID) }
        attribute.setTrackingCommon(wakeupBytes: wakeupBytes)
        return attribute
    }

    /// A syscall tracepoint (sys_enter_* or sys_exit_*) sampling every call,
    /// with its raw fields, starting disabled.
    static func syscallTracepoint(id: UInt64, inherit: Bool, wakeupBytes: UInt32) -> PerfEventAttribute {
        var attribute = PerfEventAttribute(type: typeTracepoint, config: id)
        attribute.samplePeriodOrFrequency = 1
        attribute.sampleType = trackingSampleType.union(.raw)
        attribute.flags = [.disabled, .sampleIDAll]
        if inherit { attribute.flags.insert(.inherit) }
        attribute.setTrackingCommon(wakeupBytes: wakeupBytes)
        return attribute
    }

    /// The event that owns a CPU's ring buffer: a dummy on the tracker itself
    /// that writes nothing, so that the buffer outlives every traced task (a
    /// buffer owned by a traced task's event hangs up when that task's tree
    /// exits, though other tasks still write to it). The kernel takes the
    /// buffer's wakeup watermark from this event.
    static func bufferOwner(wakeupBytes: UInt32) -> PerfEventAttribute {
        var attribute = PerfEventAttribute(type: typeSoftware, config: configDummy)
        attribute.sampleType = trackingSampleType
        attribute.setTrackingCommon(wakeupBytes: wakeupBytes)
        return attribute
    }

    /// What every event of a session shares: user space only (as
    /// perf_event_paranoid 2 requires), CLOCK_MONOTONIC (events on one buffer
    /// must share a clock), a byte watermark.
    private mutating func setTrackingCommon(wakeupBytes: UInt32) {
        flags.formUnion([.excludeKernel, .excludeHypervisor, .useClockID, .watermark])
        clockID = 1  // CLOCK_MONOTONIC
        wakeupEventsOrWatermark = max(wakeupBytes, 1)
    }
}
