extension TrackingPermissions {
    /// Asks the kernel what it allows for `target`: opens a tracking event
    /// on it, a syscall tracepoint on it (after finding the tracepoint ids in
    /// tracefs), and a system-wide event, each disabled and closed at once.
    ///
    /// For a command not started yet, probe `.command(pid: 0)`: the calling
    /// process, which its own child is like. For `.processes`, every process
    /// must allow it.
    ///
    /// - Parameter target: what would be tracked.
    /// - Returns: what is permitted, and why not where not.
    public static func probe(_ target: TrackingTarget) -> TrackingPermissions {
        probe(target, system: .live)
    }

    static func probe(_ target: TrackingTarget, system: SystemCalls) -> TrackingPermissions {
        let paranoid = KernelSettings.perfEventParanoid(system: system)
        let bits = KernelSettings.effectiveCapabilities(system: system)
        var capabilities: Capabilities = []
        func has(_ bit: Int) -> Bool { bits & (1 << UInt64(bit)) != 0 }
        if has(KernelSettings.capabilityPerfmon) { capabilities.insert(.perfmon) }
        if has(KernelSettings.capabilitySystemAdmin) { capabilities.insert(.systemAdmin) }
        if has(KernelSettings.capabilityIPCLock) { capabilities.insert(.ipcLock) }
        if has(KernelSettings.capabilitySystemPtrace) { capabilities.insert(.systemPtrace) }

        let pids: [Int32]
        switch target {
        case .command(let pid): pids = [pid]
        case .processes(let list): pids = list
        case .systemWide: pids = [-1]
        }
        let tracking = PerfEventAttribute.tracking(inherit: target != .systemWide, buildIDs: false, wakeupBytes: 1)
        let systemWide = availability(opening: .tracking(inherit: false, buildIDs: false, wakeupBytes: 1), on: [-1], system: system)
        let trackingOnTarget = target == .systemWide ? systemWide : availability(opening: tracking, on: pids, system: system)

        var tracepoints: Availability
        do {
            let found = try Tracefs.syscallTracepoints([.munmap], system: system)
            let attribute = PerfEventAttribute.syscallTracepoint(id: found[0].id, inherit: target != .systemWide, wakeupBytes: 1)
            tracepoints = availability(opening: attribute, on: pids, system: system)
        } catch {
            tracepoints = .denied(error)
        }
        if !trackingOnTarget.isPermitted, tracepoints.isPermitted { tracepoints = trackingOnTarget }
        let cpus = OnlineCPUs.list(system: system).count
        return TrackingPermissions(
            tracking: trackingOnTarget, syscallTracepoints: tracepoints, systemWide: systemWide, perfEventParanoid: paranoid,
            capabilities: capabilities,
            memoryLock: .current(cpus: cpus, paranoid: paranoid, capabilities: bits, system: system))
    }

    /// Whether `attribute` opens on every pid in `pids` (on CPU 0).
    private static func availability(opening attribute: PerfEventAttribute, on pids: [Int32], system: SystemCalls) -> Availability {
        for pid in pids {
            switch PerfEventDescriptor.open(attribute, pid: pid, cpu: 0, system: system) {
            case .success:
                continue  // closed as it goes away
            case .failure(let errno):
                let isTracepoint = attribute.type == PerfEventAttribute.typeTracepoint
                switch TrackingSession.explain(errno, pid: pid, tracepoint: isTracepoint, what: "", system: system) {
                case .denied(let denial): return .denied(denial)
                case .noSuchProcess(let pid): return .denied(.noSuchProcess(pid: pid))
                default: return .denied(isTracepoint ? .tracepointRefused(errno) : .perfEventsUnavailable(errno))
                }
            }
        }
        return .permitted
    }
}
