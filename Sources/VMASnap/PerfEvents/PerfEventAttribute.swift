/// `struct perf_event_attr`: what an event counts and samples, and which
/// records it produces. The same value describes an event vmasnap opens
/// with perf_event_open (see `encoded()`) and one perf recorded in a
/// perf.data file (see `init(decoding:order:)`).
///
/// Fields are the kernel's, under their kernel names where those are clear;
/// the bit fields are `flags`. Fields a shorter (older) attribute lacks are 0.
public struct PerfEventAttribute: Hashable, Sendable {
    /// PERF_TYPE_HARDWARE (0), SOFTWARE (1), TRACEPOINT (2), HW_CACHE (3),
    /// RAW (4), BREAKPOINT (5), or a dynamic PMU's type.
    public var type: UInt32
    /// The size the attribute declares (PERF_ATTR_SIZE_VER0 … VER8).
    public var size: UInt32
    /// What to count, in the type's terms.
    public var config: UInt64
    /// The sample period, or with `flags.frequency` the frequency in Hz.
    public var samplePeriodOrFrequency: UInt64
    /// The fields of SAMPLE records and of the sample_id trailer.
    public var sampleType: PerfSampleType
    /// The layout of counter reads.
    public var readFormat: PerfReadFormat
    /// The bit fields (disabled, inherit, mmap, comm, sample_id_all, use_clockid, ...).
    public var flags: Flags
    /// Wake the reader every this many samples, or with `flags.watermark` bytes.
    public var wakeupEventsOrWatermark: UInt32
    /// The breakpoint type (PERF_TYPE_BREAKPOINT).
    public var breakpointType: UInt32
    /// config1 (also bp_addr, kprobe_func, uprobe_path).
    public var config1: UInt64
    /// config2 (also bp_len, kprobe_addr, probe_offset).
    public var config2: UInt64
    /// PERF_SAMPLE_BRANCH_* bits.
    public var branchSampleType: UInt64
    /// The user registers PERF_SAMPLE_REGS_USER samples (a bit mask).
    public var sampleRegistersUser: UInt64
    /// Bytes of user stack PERF_SAMPLE_STACK_USER samples.
    public var sampleStackUser: UInt32
    /// The clock of every time, with `flags.useClockID` (CLOCK_MONOTONIC is 1).
    public var clockID: Int32
    /// The registers PERF_SAMPLE_REGS_INTR samples (a bit mask).
    public var sampleRegistersInterrupt: UInt64
    /// AUX buffer wake-up watermark.
    public var auxWatermark: UInt32
    /// The most call-chain frames to sample (0: the system's default).
    public var sampleMaxStack: UInt16
    /// Bytes of AUX data PERF_SAMPLE_AUX samples.
    public var auxSampleSize: UInt32
    /// Data passed to a SIGTRAP handler (`flags.sigtrap`).
    public var signalData: UInt64
    /// config3.
    public var config3: UInt64

    /// PERF_TYPE_SOFTWARE.
    public static let typeSoftware: UInt32 = 1
    /// PERF_COUNT_SW_DUMMY: a software event that counts nothing, for its records.
    public static let configDummy: UInt64 = 9
    /// PERF_SAMPLE_BRANCH_HW_INDEX: branch stacks carry a u64 hw_idx.
    public static let branchHardwareIndex: UInt64 = 1 << 17

    /// PERF_ATTR_SIZE_VER0: the first 64 bytes, through config1.
    public static let sizeVersion0 = 64
    /// PERF_ATTR_SIZE_VER8 (Linux 6.3): through config3, the whole of this value.
    public static let sizeVersion8 = 136
    /// The most bytes of an attribute any reader here takes (a file's may be
    /// longer: fields of later kernels, ignored).
    public static let maximumSize = 4096

    /// An attribute with every field 0 but `type`, `config` and `size`
    /// (which defaults to the whole structure as this type knows it).
    public init(type: UInt32, config: UInt64, size: UInt32 = UInt32(PerfEventAttribute.sizeVersion8)) {
        self.type = type
        self.size = size
        self.config = config
        samplePeriodOrFrequency = 0
        sampleType = []
        readFormat = []
        flags = []
        wakeupEventsOrWatermark = 0
        breakpointType = 0
        config1 = 0
        config2 = 0
        branchSampleType = 0
        sampleRegistersUser = 0
        sampleStackUser = 0
        clockID = 0
        sampleRegistersInterrupt = 0
        auxWatermark = 0
        sampleMaxStack = 0
        auxSampleSize = 0
        signalData = 0
        config3 = 0
    }
}

extension PerfEventAttribute {
    /// The bit fields of `perf_event_attr` (the u64 after read_format), by
    /// bit number on a little-endian machine.
    public struct Flags: OptionSet, Hashable, Sendable {
        /// The raw bits.
        public var rawValue: UInt64

        /// Wraps raw bits.
        @inlinable
        public init(rawValue: UInt64) { self.rawValue = rawValue }

        /// Off by default (enabled by ioctl or exec).
        public static let disabled = Flags(rawValue: 1 << 0)
        /// Children (threads and processes created later) are counted too.
        public static let inherit = Flags(rawValue: 1 << 1)
        /// Must always be on the PMU.
        public static let pinned = Flags(rawValue: 1 << 2)
        /// The only group on the PMU.
        public static let exclusive = Flags(rawValue: 1 << 3)
        /// Do not count user space.
        public static let excludeUser = Flags(rawValue: 1 << 4)
        /// Do not count the kernel (needed at perf_event_paranoid 2).
        public static let excludeKernel = Flags(rawValue: 1 << 5)
        /// Do not count the hypervisor.
        public static let excludeHypervisor = Flags(rawValue: 1 << 6)
        /// Do not count when idle.
        public static let excludeIdle = Flags(rawValue: 1 << 7)
        /// MMAP records for executable mappings; needed for MMAP2 too.
        public static let mmap = Flags(rawValue: 1 << 8)
        /// COMM records.
        public static let comm = Flags(rawValue: 1 << 9)
        /// `samplePeriodOrFrequency` is a frequency.
        public static let frequency = Flags(rawValue: 1 << 10)
        /// Per-task counts with inherit.
        public static let inheritStat = Flags(rawValue: 1 << 11)
        /// Enable at the next exec.
        public static let enableOnExec = Flags(rawValue: 1 << 12)
        /// FORK and EXIT records.
        public static let task = Flags(rawValue: 1 << 13)
        /// `wakeupEventsOrWatermark` counts bytes.
        public static let watermark = Flags(rawValue: 1 << 14)
        /// Skid constraint (2 bits: 15 and 16).
        public static let preciseIPMask = Flags(rawValue: 3 << 15)
        /// MMAP records for data mappings too.
        public static let mmapData = Flags(rawValue: 1 << 17)
        /// Every record carries the sample_id trailer.
        public static let sampleIDAll = Flags(rawValue: 1 << 18)
        /// Do not count in the host.
        public static let excludeHost = Flags(rawValue: 1 << 19)
        /// Do not count in guests.
        public static let excludeGuest = Flags(rawValue: 1 << 20)
        /// No kernel frames in call chains.
        public static let excludeCallchainKernel = Flags(rawValue: 1 << 21)
        /// No user frames in call chains.
        public static let excludeCallchainUser = Flags(rawValue: 1 << 22)
        /// MMAP2 records instead of MMAP.
        public static let mmap2 = Flags(rawValue: 1 << 23)
        /// COMM records of exec are marked (misc 0x2000).
        public static let commExec = Flags(rawValue: 1 << 24)
        /// Times are on `clockID`, not perf's clock.
        public static let useClockID = Flags(rawValue: 1 << 25)
        /// SWITCH records.
        public static let contextSwitch = Flags(rawValue: 1 << 26)
        /// The ring buffer is written backward.
        public static let writeBackward = Flags(rawValue: 1 << 27)
        /// NAMESPACES records.
        public static let namespaces = Flags(rawValue: 1 << 28)
        /// KSYMBOL records.
        public static let ksymbol = Flags(rawValue: 1 << 29)
        /// BPF_EVENT records.
        public static let bpfEvent = Flags(rawValue: 1 << 30)
        /// Generate AUX records instead of events.
        public static let auxOutput = Flags(rawValue: 1 << 31)
        /// CGROUP records.
        public static let cgroup = Flags(rawValue: 1 << 32)
        /// TEXT_POKE records.
        public static let textPoke = Flags(rawValue: 1 << 33)
        /// MMAP2 records carry build IDs (Linux 5.12).
        public static let buildID = Flags(rawValue: 1 << 34)
        /// Children only if threads (with inherit).
        public static let inheritThread = Flags(rawValue: 1 << 35)
        /// Removed at exec.
        public static let removeOnExec = Flags(rawValue: 1 << 36)
        /// SIGTRAP on overflow.
        public static let sigtrap = Flags(rawValue: 1 << 37)
    }
}
