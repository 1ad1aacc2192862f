/// An MMAP or MMAP2 record: a new mapping in a process, as the kernel (or
/// perf's start-up synthesis from /proc/PID/maps) reported it.
public struct PerfMmapEvent: Hashable, Sendable {
    /// How an MMAP2 record identifies the mapped file.
    public enum FileIdentity: Hashable, Sendable {
        /// An MMAP record: no identity.
        case none
        /// Device and inode (the default MMAP2 variant).
        case inode(major: UInt32, minor: UInt32, inode: UInt64, generation: UInt64)
        /// The file's build ID (misc 0x4000, `build_id` attributes; Linux 5.12+).
        case buildID([UInt8])
    }

    /// Whether it came as MMAP2 (else MMAP).
    public var isMmap2: Bool
    /// The record's misc bits (CPU mode; 0x2000: a data mapping; 0x1000: perf timed out reading the maps).
    public var misc: PerfRecordMisc
    /// The process ID.
    public var pid: Int32
    /// The thread ID.
    public var tid: Int32
    /// The start address.
    public var start: UInt64
    /// The length in bytes.
    public var length: UInt64
    /// The file offset of `start`.
    public var pageOffset: UInt64
    /// Device and inode, a build ID, or nothing (MMAP).
    public var identity: FileIdentity
    /// PROT_* bits (MMAP2 only; 0 for MMAP).
    public var protection: UInt32
    /// MAP_* flags (MMAP2 only).
    public var flags: UInt32
    /// The file name (or "//anon", "[vdso]", ...), without its NUL padding.
    public var filename: [UInt8]

    /// The end address (start + length, saturating).
    public var end: UInt64 { start.addingReportingOverflow(length).overflow ? .max : start + length }

    /// PROT_EXEC.
    public static let protectionExecute: UInt32 = 4

    /// Whether the mapping is executable: MMAP2 with PROT_EXEC, or an MMAP
    /// record not marked as data.
    public var isExecutable: Bool {
        isMmap2 ? protection & PerfMmapEvent.protectionExecute != 0 : !misc.has(PerfRecordMisc.mmapData)
    }

    /// Whether it maps a file by path (the name starts with "/", and is not "//anon").
    public var isFileBacked: Bool {
        filename.first == UInt8(ascii: "/") && !(filename.count >= 2 && filename[1] == UInt8(ascii: "/"))
    }

    /// Creates an event.
    public init(isMmap2: Bool, misc: PerfRecordMisc, pid: Int32, tid: Int32, start: UInt64, length: UInt64,
                pageOffset: UInt64, identity: FileIdentity, protection: UInt32, flags: UInt32, filename: [UInt8]) {
        self.isMmap2 = isMmap2
        self.misc = misc
        self.pid = pid
        self.tid = tid
        self.start = start
        self.length = length
        self.pageOffset = pageOffset
        self.identity = identity
        self.protection = protection
        self.flags = flags
        self.filename = filename
    }
}
