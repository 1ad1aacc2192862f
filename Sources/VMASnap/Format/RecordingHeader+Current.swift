#if canImport(Glibc)
import Glibc
#endif

extension RecordingHeader {
    /// A header for a recording starting now on CLOCK_MONOTONIC, with this
    /// machine's boot ID, host name, kernel release and clock tick rate.
    ///
    /// - Parameters:
    ///   - options: the recorder's command line, kept for `vmasnap info`.
    ///   - backend: how mappings are captured.
    ///   - flushInterval: nanoseconds between flushes (default 1 s).
    ///   - keyframeInterval: nanoseconds between keyframes of a process (default 30 s).
    ///   - start: time zero of the file (default: now).
    public static func current(
        options: String, backend: CaptureBackend, flushInterval: Int64 = 1_000_000_000,
        keyframeInterval: Int64 = 30_000_000_000, start: Int64? = nil
    ) -> RecordingHeader {
        // Bracket the realtime read with two monotonic reads and take their
        // middle, so the pair is as close to simultaneous as user space gets.
        let before = now(CLOCK_MONOTONIC)
        let realtime = now(CLOCK_REALTIME)
        let after = now(CLOCK_MONOTONIC)
        let monotonic = before + (after - before) / 2
        return RecordingHeader(
            clock: .monotonic, start: start ?? before, referenceRealtime: realtime, referenceMonotonic: monotonic,
            bootID: bootID(), hostName: KernelInfo.hostName, kernelRelease: KernelInfo.release, options: options,
            clockTicksPerSecond: Int(sysconf(Int32(_SC_CLK_TCK))), backend: backend.rawValue,
            flushInterval: flushInterval, keyframeInterval: keyframeInterval)
    }

    /// CLOCK_MONOTONIC now, in nanoseconds: the clock of recording times.
    public static func monotonicNow() -> Int64 { now(CLOCK_MONOTONIC) }

    private static func now(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The boot ID without its newline, or "" when unreadable.
    private static func bootID() -> String {
        let fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let result = buffer.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
        guard case .success(let count) = result, count > 0 else { return "" }
        return String(decoding: buffer[0..<count].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }
}
