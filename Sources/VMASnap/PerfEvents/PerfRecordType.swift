/// The type of a perf record (`perf_event_header.type`): the kernel's
/// records (below 64, include/uapi/linux/perf_event.h) and the ones perf
/// adds to its files and pipes (64 and up, tools/lib/perf/include/perf/event.h).
public struct PerfRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type number.
    public var rawValue: UInt32

    /// Wraps a type number.
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A new mapping (without device, inode and protection).
    public static let mmap = PerfRecordType(rawValue: 1)
    /// Records the kernel dropped because the ring buffer was full.
    public static let lost = PerfRecordType(rawValue: 2)
    /// A thread's command name changed (misc 0x2000: by exec).
    public static let comm = PerfRecordType(rawValue: 3)
    /// A thread exited.
    public static let exit = PerfRecordType(rawValue: 4)
    /// Sampling was throttled.
    public static let throttle = PerfRecordType(rawValue: 5)
    /// Sampling resumed.
    public static let unthrottle = PerfRecordType(rawValue: 6)
    /// A process or thread was created.
    public static let fork = PerfRecordType(rawValue: 7)
    /// A counter read (inherit_stat).
    public static let read = PerfRecordType(rawValue: 8)
    /// A sample.
    public static let sample = PerfRecordType(rawValue: 9)
    /// A new mapping with device and inode, or (misc 0x4000) a build ID.
    public static let mmap2 = PerfRecordType(rawValue: 10)
    /// AUX area data was written.
    public static let aux = PerfRecordType(rawValue: 11)
    /// Instruction tracing started.
    public static let itraceStart = PerfRecordType(rawValue: 12)
    /// Samples dropped (for example by a BPF filter or a full AUX buffer).
    public static let lostSamples = PerfRecordType(rawValue: 13)
    /// A context switch of the sampled task.
    public static let contextSwitch = PerfRecordType(rawValue: 14)
    /// A context switch on the CPU (system-wide).
    public static let contextSwitchCPUWide = PerfRecordType(rawValue: 15)
    /// A task's namespaces.
    public static let namespaces = PerfRecordType(rawValue: 16)
    /// A kernel symbol was registered or removed (BPF, ftrace trampolines).
    public static let ksymbol = PerfRecordType(rawValue: 17)
    /// A BPF program was loaded or unloaded.
    public static let bpfEvent = PerfRecordType(rawValue: 18)
    /// A new cgroup.
    public static let cgroup = PerfRecordType(rawValue: 19)
    /// Kernel text was modified.
    public static let textPoke = PerfRecordType(rawValue: 20)
    /// The hardware ID of an AUX output.
    public static let auxOutputHardwareID = PerfRecordType(rawValue: 21)

    /// perf's first own type: types from here on never come from the kernel.
    public static let userTypeStart: UInt32 = 64
    /// An event's attribute and its sample IDs (pipe mode).
    public static let headerAttribute = PerfRecordType(rawValue: 64)
    /// Obsolete event type names.
    public static let headerEventType = PerfRecordType(rawValue: 65)
    /// Tracepoint formats; in pipe mode the data follows the record.
    public static let headerTracingData = PerfRecordType(rawValue: 66)
    /// The build ID of a file perf saw samples in.
    public static let headerBuildID = PerfRecordType(rawValue: 67)
    /// Everything before it may be put in time order (see `PerfData`).
    public static let finishedRound = PerfRecordType(rawValue: 68)
    /// Which CPU and thread each sample ID belongs to.
    public static let idIndex = PerfRecordType(rawValue: 69)
    /// AUX tracing set-up.
    public static let auxtraceInfo = PerfRecordType(rawValue: 70)
    /// AUX trace data, which follows the record.
    public static let auxtrace = PerfRecordType(rawValue: 71)
    /// An AUX tracing error.
    public static let auxtraceError = PerfRecordType(rawValue: 72)
    /// The threads perf stat counted.
    public static let threadMap = PerfRecordType(rawValue: 73)
    /// The CPUs perf counted.
    public static let cpuMap = PerfRecordType(rawValue: 74)
    /// perf stat's configuration.
    public static let statConfig = PerfRecordType(rawValue: 75)
    /// A perf stat counter value.
    public static let stat = PerfRecordType(rawValue: 76)
    /// The end of a perf stat round.
    public static let statRound = PerfRecordType(rawValue: 77)
    /// An event's name, unit, scale or CPUs.
    public static let eventUpdate = PerfRecordType(rawValue: 78)
    /// The TSC conversion parameters.
    public static let timeConversion = PerfRecordType(rawValue: 79)
    /// A header feature (pipe mode): u64 feature number, then its data.
    public static let headerFeature = PerfRecordType(rawValue: 80)
    /// Kernel records compressed with zstd (`perf record -z`).
    public static let compressed = PerfRecordType(rawValue: 81)
    /// The end of perf's start-up records (synthesized processes and mappings).
    public static let finishedInit = PerfRecordType(rawValue: 82)

    /// Whether perf, not the kernel, wrote records of this type.
    @inlinable
    public var isUserType: Bool { rawValue >= PerfRecordType.userTypeStart }

    private static let names: [UInt32: String] = [
        1: "MMAP", 2: "LOST", 3: "COMM", 4: "EXIT", 5: "THROTTLE", 6: "UNTHROTTLE", 7: "FORK", 8: "READ",
        9: "SAMPLE", 10: "MMAP2", 11: "AUX", 12: "ITRACE_START", 13: "LOST_SAMPLES", 14: "SWITCH",
        15: "SWITCH_CPU_WIDE", 16: "NAMESPACES", 17: "KSYMBOL", 18: "BPF_EVENT", 19: "CGROUP", 20: "TEXT_POKE",
        21: "AUX_OUTPUT_HW_ID", 64: "HEADER_ATTR", 65: "HEADER_EVENT_TYPE", 66: "HEADER_TRACING_DATA",
        67: "HEADER_BUILD_ID", 68: "FINISHED_ROUND", 69: "ID_INDEX", 70: "AUXTRACE_INFO", 71: "AUXTRACE",
        72: "AUXTRACE_ERROR", 73: "THREAD_MAP", 74: "CPU_MAP", 75: "STAT_CONFIG", 76: "STAT", 77: "STAT_ROUND",
        78: "EVENT_UPDATE", 79: "TIME_CONV", 80: "HEADER_FEATURE", 81: "COMPRESSED", 82: "FINISHED_INIT",
    ]

    /// perf's name without "PERF_RECORD_" ("MMAP2"), or "type N".
    public var description: String { PerfRecordType.names[rawValue] ?? "type \(rawValue)" }
}
