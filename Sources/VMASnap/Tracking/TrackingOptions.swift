/// How a `TrackingSession` opens its events and sizes its buffers.
public struct TrackingOptions: Hashable, Sendable {
    /// Also open the syscall tracepoints of munmap, mprotect, pkey_mprotect
    /// and mremap (enter and exit), which date unmaps and protection changes.
    /// While any syscall tracepoint is open every syscall on the machine is
    /// slower (see BENCHMARKS.md), so this is off unless asked for.
    public var syscalls: Bool
    /// MMAP2 records carry the file's build ID where the kernel has it at
    /// hand (else device and inode, as without). Off by default, and best
    /// left off: the kernel marks the record header it shares among all the
    /// events that see an mmap, and does not unmark it, so every profiler
    /// watching the same mmap after this event (all of them under `-a`, and
    /// a `perf record` around the recorder) gets the build-ID flag on a
    /// device-and-inode body, which perf 6.1
    /// reads as a build ID of the major number's length and aborts on
    /// (`MmapBuildIDFlagTests`). It also costs the traced program about
    /// 4.5 µs a mmap (PERF-EVENTS.md). Without it the recorder takes the
    /// build ID from its PROCMAP_QUERY of the new range, or, for a process
    /// already gone, from the file by device and inode; a program deleted
    /// as soon as it ran then has none. `record --kernel-build-ids` sets it.
    public var buildIDs: Bool
    /// Data pages of each per-CPU ring buffer, a power of two. 64 pages
    /// (256 KiB) held a burst of 10,000 mmaps without loss with a polling
    /// reader (PERF-EVENTS.md, section 4).
    public var bufferPages: Int
    /// The fewest data pages to fall back to when the locked-memory budget
    /// refuses `bufferPages` (halving until then).
    public var minimumBufferPages: Int
    /// The poller wakes once this many bytes wait in a buffer (a watermark:
    /// wakeup_events counts only samples, which tracking events have none of).
    ///
    /// The default, 1, wakes at the first record, so that a reader needs no
    /// timer of its own for records below a watermark (an idle process's
    /// last few), and reads a lone dlopen's records within a millisecond.
    /// Every wakeup costs the traced program the kernel's signal to the
    /// reader, woken or not: a dlopen + dlclose loop, one MMAP2 record a
    /// pair, runs at about 1.39× its untraced time under the recorder
    /// (which watches its buffers one-shot, so that it is woken once a
    /// burst, see `EventDrainPacing`) against 1.32× for the recorder that
    /// woke at 512 bytes and drained on a 20 ms timer, which cost it 2.5
    /// times the CPU on an idle process; perf's own tracking, 1.12–1.15×.
    /// BENCHMARKS.md has the figures.
    public var wakeupBytes: UInt32
    /// Records become final (are returned by `drain`) once they are this much
    /// older than the moment every buffer was last read: a record's time is
    /// taken just before the kernel publishes it, so one being written as a
    /// buffer is read can still arrive with an earlier time.
    public var finalityMargin: Int64

    /// The defaults: no syscall tracepoints, no build IDs, 64 pages a CPU
    /// (falling back to 2), wake at the first byte, a 200 µs margin.
    public init(syscalls: Bool = false, buildIDs: Bool = false, bufferPages: Int = 64, minimumBufferPages: Int = 2,
                wakeupBytes: UInt32 = 1, finalityMargin: Int64 = 200_000) {
        self.syscalls = syscalls
        self.buildIDs = buildIDs
        self.bufferPages = bufferPages
        self.minimumBufferPages = minimumBufferPages
        self.wakeupBytes = wakeupBytes
        self.finalityMargin = finalityMargin
    }
}
