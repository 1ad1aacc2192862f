/// When the recorder reads its event buffers: watched one-shot, so that the
/// first record of a burst wakes the loop once; read by a timer
/// `EventDrainPacing` sets while they keep bringing records; watched again
/// once a read finds none. An idle process costs no wakeups at all (the fixed
/// 20 ms drain timer this replaced fired 50 times a second).
extension Recorder {
    /// Adds the buffers (one-shot) and their read timer to `loop`.
    ///
    /// - Throws: `Errno` from epoll_ctl, `SystemError` from the timer.
    func watchEventBuffers(_ events: RecorderEvents, loop: EventLoop) throws {
        let timer = try DeadlineTimer(system: system)
        events.timer = timer
        events.pacing = EventDrainPacing(bufferBytes: events.session.smallestBufferBytes,
                                         finalityMargin: events.session.options.finalityMargin)
        for descriptor in events.session.bufferDescriptors {
            let index = events.bufferSources.count
            events.bufferSources.append(try loop.add(descriptor, oneShot: true) { [self] in
                try bufferWoke(index, events: events)
            })
        }
        try loop.add(timer.descriptor) { [self] in
            guard timer.expired() else { return }
            try readOnSchedule(events, loop: loop)
        }
    }

    /// Buffer `index` has records: a read is due one window from now, unless one is set already.
    private func bufferWoke(_ index: Int, events: RecorderEvents) throws {
        let readScheduled = !events.wokenBuffers.isEmpty
        events.wokenBuffers.insert(index)
        guard !readScheduled, let timer = events.timer else { return }
        try timer.schedule(at: system.now(.monotonic) + events.pacing.window)
    }

    /// The scheduled read: records what it finds, then sets the next read,
    /// or, when nothing came and nothing waits for finality, watches the
    /// buffers that woke again (one with records since its last wakeup is
    /// reported at once).
    private func readOnSchedule(_ events: RecorderEvents, loop: EventLoop) throws {
        guard let timer = events.timer else { return }
        let found = try recordEvents()
        let now = system.now(.monotonic)
        if found > 0 {
            events.pacing.found(largestFill: events.session.largestFill)
            try timer.schedule(at: now + events.pacing.window)
        } else if let due = events.session.nextFinalityTime {
            try timer.schedule(at: max(due, now + 1))
        } else {
            events.pacing.quiet()
            for index in events.wokenBuffers.sorted() { try loop.rearm(events.bufferSources[index]) }
            events.wokenBuffers = []
        }
    }
}
