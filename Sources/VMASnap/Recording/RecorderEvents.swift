/// The recorder's kernel events (issue 12): the tracking session, what its
/// events said about each process since they were last recorded, and counts.
final class RecorderEvents {
    /// What the events said about one process since it was last recorded.
    struct Pending {
        /// Its FORK's time and parent, for a process created since the events opened.
        var forked: (time: Int64, parent: Int32)?
        /// Its last exec's time and new command name.
        var exec: (time: Int64, command: [UInt8])?
        /// The executable, file-backed mappings made since the last exec (or
        /// since it was last recorded), oldest first, with their times.
        var mapped: [(time: Int64, event: PerfMmapEvent)] = []
        /// The latest munmap, mprotect or mremap (syscall tracepoints) that
        /// touched a recorded executable range or made one executable.
        var protectionOrUnmap: Int64?
        /// Its exit's time.
        var exited: Int64?
        /// When a walk first found it gone (or a zombie) before its EXIT was read.
        var foundGone: Int64?
        /// Walks that found it in the middle of an exec, for one not followed yet.
        var attempts = 0

        /// The earliest time an event changed it at.
        var firstChange: Int64? {
            [forked?.time, exec?.time, mapped.first?.time, protectionOrUnmap, exited].compactMap { $0 }.min()
        }

        /// When the set a walk (or the events' fields) now gives took effect:
        /// the latest change's (an exec, mmap, munmap or mprotect), since a
        /// set that holds several changes is certain only from the last of
        /// them (before it, back to the previous snapshot, is the uncertain
        /// gap: an exec'd program's libraries come a little after its exec).
        /// A new process that changed nothing since its fork: the fork's.
        var setTime: Int64? {
            [exec?.time, mapped.last?.time, protectionOrUnmap].compactMap { $0 }.max() ?? forked?.time
        }

        /// Whether something changed its mappings after it was last recorded.
        var changedMappings: Bool { exec != nil || !mapped.isEmpty || protectionOrUnmap != nil }
    }

    /// The session.
    let session: TrackingSession
    /// What the events said, by pid, since each was last recorded.
    var pending: [Int32: Pending] = [:]
    /// What the events did.
    var counts = KernelEventCounts()
    /// Asks for a round at once (records were lost: walk everything).
    var walkRequested: (() -> Void)?
    /// Reads the buffers every `Recorder.eventDrainInterval`.
    var timer: DeadlineTimer?
    /// The latest time written so far (a round's last walk, an event
    /// round's end): no event round may begin before it.
    var lastWrittenTime: Int64 = 0

    init(session: TrackingSession) {
        self.session = session
    }
}
