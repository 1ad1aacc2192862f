import ArgumentParser
import VMASnap

/// `record --events auto|on|off`, `--unmap-events` and `--kernel-build-ids`: kernel tracking events
/// beside the walks (issue 12).
struct EventsOption: ParsableArguments {
    /// Whether to use tracking events.
    enum Mode: String, CaseIterable, ExpressibleByArgument {
        case auto, on, off
    }

    @Option(help: ArgumentHelp(
        "Kernel events (fork, exec, mmap, exit) beside the walks: auto (where the kernel permits), on (fail "
            + "where it does not) or off.", valueName: "mode"))
    var events: Mode = .auto

    @Flag(help: ArgumentHelp(
        "Also date unmaps and protection changes with syscall tracepoints (root or CAP_PERFMON; every "
            + "syscall on the machine slows while they are open, about 25%)."))
    var unmapEvents = false

    @Flag(name: .customLong("kernel-build-ids"), help: ArgumentHelp(
        "Ask the kernel for each mapped file's build ID in its mmap records, so that a program deleted as soon "
            + "as it ran (a configure test) keeps its build ID. The kernel then marks the mmap records of every "
            + "other profiler on the machine as if they had one, and perf cannot read its file: only where no "
            + "other profiler reads mmap records."))
    var kernelBuildIDs = false

    @Option(name: [.short, .customLong("mmap-pages")], help: ArgumentHelp(
        "Data pages of each CPU's event ring buffer, a power of two, as perf's -m (default 64, 256 with -a; "
            + "halved where the locked-memory budget refuses them).", valueName: "pages"))
    var mmapPages: Int?

    func validate() throws {
        if let mmapPages, mmapPages < 1 || mmapPages & (mmapPages - 1) != 0 || mmapPages > 1 << 20 {
            throw ValidationError("--mmap-pages \(mmapPages): a power of two from 1 to 1048576 is needed")
        }
    }

    /// The tracking options for `target`, nil for none, and what the
    /// recording's header says of them: asks the kernel what it permits; with
    /// auto, the one line for stderr that says what is missing and why (the
    /// caller prints it, with what else the same refusal stops).
    ///
    /// - Throws: `ValidationError` with `on` where the kernel refuses.
    func resolve(for target: RecordingTarget) throws -> (options: TrackingOptions?, use: KernelEventsUse, note: String?) {
        guard events != .off else { return (nil, .off, nil) }
        let probed: TrackingTarget
        switch target {
        case .command: probed = .command(pid: 0)
        case .processes(let pids): probed = .processes(pids)
        case .allProcesses: probed = .systemWide
        }
        let permissions = TrackingPermissions.probe(probed)
        if case .denied(let denial) = permissions.tracking {
            if events == .on { throw ValidationError("--events on: kernel tracking events are not permitted: \(denial)") }
            return (nil, .refused(reason: "\(denial)"),
                    "vmasnap: note: kernel events off (\(denial)): processes and changes are found by walks only")
        }
        var options = TrackingOptions()
        options.buildIDs = kernelBuildIDs
        var note: String?
        if let mmapPages {
            options.bufferPages = mmapPages
            options.minimumBufferPages = min(options.minimumBufferPages, mmapPages)
        } else if case .allProcesses = target {
            // The whole machine writes into these: 1 MiB a CPU holds its bursts.
            options.bufferPages = 256
        }
        if unmapEvents {
            if case .denied(let denial) = permissions.syscallTracepoints {
                if events == .on { throw ValidationError("--unmap-events: syscall tracepoints are not permitted: \(denial)") }
                note = "vmasnap: note: unmap events off (\(denial)): unmaps are found by walks only"
            } else {
                options.syscalls = true
            }
        }
        return (options, .on, note)
    }
}
