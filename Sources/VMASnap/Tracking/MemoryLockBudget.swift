
/// How much ring-buffer memory this process may lock: the kernel first
/// charges a user's perf buffers to perf_event_mlock_kb × online CPUs (for
/// all of that user's processes together), then the excess to this
/// process's RLIMIT_MEMLOCK; CAP_IPC_LOCK or perf_event_paranoid -1 lift both.
public struct MemoryLockBudget: Hashable, Sendable {
    /// perf_event_mlock_kb × online CPUs, in bytes (shared by the user's processes).
    public var perfAllowanceBytes: Int
    /// The soft RLIMIT_MEMLOCK in bytes (nil: unlimited).
    public var memoryLockLimitBytes: Int?
    /// No limit applies (CAP_IPC_LOCK, or perf_event_paranoid -1).
    public var isUnlimited: Bool

    /// Creates a budget.
    public init(perfAllowanceBytes: Int, memoryLockLimitBytes: Int?, isUnlimited: Bool) {
        self.perfAllowanceBytes = perfAllowanceBytes
        self.memoryLockLimitBytes = memoryLockLimitBytes
        self.isUnlimited = isUnlimited
    }

    /// The most bytes this process can lock if the user has no other perf
    /// buffers (nil: no limit).
    public var totalBytes: Int? {
        guard !isUnlimited, let limit = memoryLockLimitBytes else { return nil }
        return perfAllowanceBytes + limit
    }

    /// Whether `buffers` buffers of `dataPages` data pages fit (each also
    /// maps its control page), assuming no other perf buffers of the user.
    public func fits(buffers: Int, dataPages: Int, pageSize: Int) -> Bool {
        guard let total = totalBytes else { return true }
        return buffers * (1 + dataPages) * pageSize <= total
    }

    /// This process's budget.
    static func current(cpus: Int, paranoid: Int?, capabilities: UInt64, system: SystemCalls) -> MemoryLockBudget {
        let perCPU = KernelSettings.perfEventMemoryLockKiB(system: system) ?? 516
        var limitBytes: Int?
        if let limit = try? system.resourceLimit(.lockedMemory), let soft = limit.soft {
            limitBytes = Int(clamping: soft)
        }
        let ipcLock = capabilities & (1 << UInt64(KernelSettings.capabilityIPCLock)) != 0
        return MemoryLockBudget(perfAllowanceBytes: perCPU * 1024 * cpus, memoryLockLimitBytes: limitBytes,
                                isUnlimited: ipcLock || paranoid == -1)
    }
}
