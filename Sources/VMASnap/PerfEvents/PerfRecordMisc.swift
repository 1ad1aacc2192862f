/// `perf_event_header.misc`: the CPU mode of a record (bits 0-2) and
/// flags whose meaning depends on the record's type.
public struct PerfRecordMisc: RawRepresentable, Hashable, Sendable {
    /// The raw bits.
    public var rawValue: UInt16

    /// Wraps raw bits.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The CPU mode bits (PERF_RECORD_MISC_CPUMODE_MASK).
    public static let cpuModeMask: UInt16 = 0x7
    /// The kernel wrote the record in kernel mode.
    public static let kernel: UInt16 = 1
    /// In user mode.
    public static let user: UInt16 = 2
    /// In the hypervisor.
    public static let hypervisor: UInt16 = 3
    /// In a guest's kernel.
    public static let guestKernel: UInt16 = 4
    /// In a guest's user space.
    public static let guestUser: UInt16 = 5

    /// perf could not read all of a process's maps in time at start-up
    /// (PERF_RECORD_MISC_PROC_MAP_PARSE_TIMEOUT, on a synthesized MMAP2).
    public static let mapParseTimeout: UInt16 = 1 << 12
    /// MMAP/MMAP2: a data (non-executable) mapping. COMM: the name changed by
    /// exec. SWITCH: switched out. (One bit, three meanings.)
    public static let mmapData: UInt16 = 1 << 13
    /// COMM: the command name was set by exec (PERF_RECORD_MISC_COMM_EXEC).
    public static let commExec: UInt16 = 1 << 13
    /// MMAP2: the record holds a build ID instead of device and inode.
    public static let mmapBuildID: UInt16 = 1 << 14
    /// SAMPLE: the ip is exact (PEBS and the like).
    public static let exactIP: UInt16 = 1 << 14
    /// HEADER_BUILD_ID: the build ID's size byte is valid.
    public static let buildIDSize: UInt16 = 1 << 15

    /// The CPU mode (one of `kernel`, `user`, ...; 0 when unknown).
    @inlinable
    public var cpuMode: UInt16 { rawValue & PerfRecordMisc.cpuModeMask }

    /// Whether `bit` is set.
    @inlinable
    public func has(_ bit: UInt16) -> Bool { rawValue & bit != 0 }
}
