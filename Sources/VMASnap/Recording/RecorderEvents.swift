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
        /// The munmaps, mprotects and mremaps (syscall tracepoints) that
        /// touched a recorded executable range or made one executable, since
        /// the last exec (or since it was last recorded), with their exit times.
        var syscalls: [(time: Int64, call: TrackedSyscall)] = []
        /// Executable memory that is not a file (anonymous, as a JIT maps
        /// it) made since the last exec over addresses a recorded or pending
        /// mapping held, with its MMAP2 record's time: it ends what held
        /// them then, so they are never answered as that file after it.
        var takenByMemory: [(time: Int64, range: Range<UInt64>)] = []
        /// Its exit's time.
        var exited: Int64?
        /// When a walk first found it gone (or a zombie) before its EXIT was read.
        var foundGone: Int64?
        /// Walks that found it in the middle of an exec, for one not followed yet.
        var attempts = 0

        /// The earliest time an event changed it at.
        var firstChange: Int64? {
            [forked?.time, exec?.time, mapped.first?.time, syscalls.first?.time, takenByMemory.first?.time, exited]
                .compactMap { $0 }.min()
        }

        /// Whether something changed its mappings after it was last recorded.
        var changedMappings: Bool { exec != nil || changedMappingsSinceExec }

        /// Whether an mmap, a syscall or anonymous memory changed its
        /// mappings since its last exec (or since it was last recorded).
        var changedMappingsSinceExec: Bool { !mapped.isEmpty || !syscalls.isEmpty || !takenByMemory.isEmpty }
    }

    /// A file by its device and inode.
    struct MappedFile: Hashable {
        var device: DeviceNumber
        var inode: UInt64
    }

    /// The session.
    let session: TrackingSession
    /// What the events said, by pid, since each was last recorded.
    var pending: [Int32: Pending] = [:]
    /// What the events did.
    var counts = KernelEventCounts()
    /// Asks for a round at once (records were lost: walk everything).
    var walkRequested: (() -> Void)?
    /// The earliest time records lost since the last loss window may
    /// concern (the window is recorded after the walk the loss calls for).
    var lostSince: Int64?
    /// Whether the command's exec was read.
    var commandExecuted = false
    /// Reads the buffers once a buffer woke the loop, `pacing.window` later,
    /// and again while they keep bringing records (nil before the loop starts).
    var timer: DeadlineTimer?
    /// How long after a wakeup, and after a read that found records, the next read comes.
    var pacing = EventDrainPacing(bufferBytes: 0, finalityMargin: 0)
    /// The buffers' one-shot sources in the loop, in the session's order.
    var bufferSources: [EventLoop.Source] = []
    /// The buffers whose one-shot wakeup came since they were last rearmed
    /// (while any did, the timer is set for a read).
    var wokenBuffers: Set<Int> = []
    /// Build IDs read from files for mappings of processes gone before
    /// they could be walked, by device and inode (nil: the file had none,
    /// or no longer has that device and inode under its path).
    var buildIDs: [MappedFile: BuildID?] = [:]

    init(session: TrackingSession) {
        self.session = session
    }
}
