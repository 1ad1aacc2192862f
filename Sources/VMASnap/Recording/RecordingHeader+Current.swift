import SystemPackage

extension RecordingHeader {
    /// A header for a recording starting now on CLOCK_MONOTONIC, with this
    /// machine's boot ID, host name, kernel release and clock tick rate: the
    /// facts the recorder gathers about the machine it records.
    ///
    /// - Parameters:
    ///   - options: the recorder's command line, kept for `vmasnap info`.
    ///   - backend: how mappings are captured.
    ///   - flushInterval: nanoseconds between flushes (default 1 s).
    ///   - keyframeInterval: nanoseconds between keyframes of a process (default 30 s).
    ///   - start: time zero of the file (default: now).
    /// - Returns: the header.
    public static func current(
        options: String, backend: CaptureBackend, flushInterval: Int64 = 1_000_000_000,
        keyframeInterval: Int64 = 30_000_000_000, start: Int64? = nil
    ) -> RecordingHeader {
        current(
            options: options, backend: backend, flushInterval: flushInterval, keyframeInterval: keyframeInterval,
            start: start, system: .live)
    }

    static func current(
        options: String, backend: CaptureBackend, flushInterval: Int64, keyframeInterval: Int64, start: Int64?,
        system: SystemCalls
    ) -> RecordingHeader {
        // Bracket the realtime read with two monotonic reads and take their
        // middle, so the pair is as close to simultaneous as user space gets.
        let before = system.now(.monotonic)
        let realtime = system.now(.realtime)
        let after = system.now(.monotonic)
        let names = (try? system.systemNames()) ?? SystemNames(hostName: "unknown", kernelRelease: "unknown")
        return RecordingHeader(
            clock: .monotonic, start: start ?? before, referenceRealtime: realtime,
            referenceMonotonic: before + (after - before) / 2, bootID: bootID(system: system), hostName: names.hostName,
            kernelRelease: names.kernelRelease, options: options, clockTicksPerSecond: system.clockTicksPerSecond(),
            backend: backend.rawValue, flushInterval: flushInterval, keyframeInterval: keyframeInterval)
    }

    /// CLOCK_MONOTONIC now, in nanoseconds: the clock of recording times.
    public static func monotonicNow() -> Int64 { SystemCalls.live.now(.monotonic) }

    /// /proc/sys/kernel/random/boot_id without its newline, or "" when unreadable.
    private static func bootID(system: SystemCalls) -> String {
        guard let file = try? OwnedDescriptor.open("/proc/sys/kernel/random/boot_id", .readOnly, system: system) else {
            return ""
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        guard let count = try? buffer.withUnsafeMutableBytesTyped({ (raw) throws(Errno) in try file.read(into: raw) }) else {
            return ""
        }
        return String(decoding: buffer[0..<count].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }
}
