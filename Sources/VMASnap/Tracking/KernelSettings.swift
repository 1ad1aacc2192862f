/// The settings and credentials that decide what perf events the kernel
/// allows: perf_event_paranoid, perf_event_mlock_kb and this process's
/// effective capabilities.
enum KernelSettings {
    /// /proc/sys/kernel/perf_event_paranoid (2 by default; 3 on some
    /// distributions forbids unprivileged use entirely), nil if unreadable.
    static func perfEventParanoid(system: SystemCalls) -> Int? {
        integer("/proc/sys/kernel/perf_event_paranoid", system: system)
    }

    /// /proc/sys/kernel/perf_event_mlock_kb: the KiB of ring buffer a user
    /// may lock per CPU before RLIMIT_MEMLOCK counts.
    static func perfEventMemoryLockKiB(system: SystemCalls) -> Int? {
        integer("/proc/sys/kernel/perf_event_mlock_kb", system: system)
    }

    /// The effective capability set (CapEff in /proc/self/status), 0 if unreadable.
    static func effectiveCapabilities(system: SystemCalls) -> UInt64 {
        guard case .success(let text) = TextFile.read("/proc/self/status", system: system) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            return line.dropFirst(7).split(whereSeparator: \.isWhitespace).first.flatMap { UInt64($0, radix: 16) } ?? 0
        }
        return 0
    }

    /// CAP_IPC_LOCK, CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_PERFMON (bit numbers).
    static let capabilityIPCLock = 14
    static let capabilitySystemPtrace = 19
    static let capabilitySystemAdmin = 21
    static let capabilityPerfmon = 38

    private static func integer(_ path: String, system: SystemCalls) -> Int? {
        guard case .success(let text) = TextFile.read(path, system: system) else { return nil }
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
    }
}
