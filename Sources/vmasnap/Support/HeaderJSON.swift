import VMASnap

/// The header's JSON members, shared by `info --json` and `dump --json`.
enum HeaderJSON {
    /// version, clock, start, the realtime/monotonic reference pair, boot ID,
    /// host, kernel, options, backend, clock ticks, flush and keyframe
    /// intervals, perf's clock, and kernel events ("on", "off", "refused"
    /// with its reason; null when the header does not say).
    static func writeMembers(of header: RecordingHeader, to writer: inout JSONWriter) {
        writer.string("version", "\(header.majorVersion).\(header.minorVersion)")
        writer.string("clock", header.clock.description)
        writer.number("start_s", literal: TimeText.format(nanoseconds: header.start))
        writer.string("start_realtime", TimeText.utc(realtime: header.realtime(of: header.start)))
        writer.integer("reference_realtime_ns", header.referenceRealtime)
        writer.integer("reference_monotonic_ns", header.referenceMonotonic)
        writer.string("boot_id", header.bootID)
        writer.string("host_name", header.hostName)
        writer.string("kernel_release", header.kernelRelease)
        writer.string("options", header.options)
        writer.string("backend", header.backend)
        writer.integer("clock_ticks_per_second", header.clockTicksPerSecond)
        writer.number("flush_interval_s", literal: TimeText.format(nanoseconds: header.flushInterval))
        writer.number("keyframe_interval_s", literal: TimeText.format(nanoseconds: header.keyframeInterval))
        if let perfClock = header.perfClock {
            writer.integer("perf_clock_offset_ns", perfClock.offset)
            writer.integer("perf_clock_uncertainty_ns", perfClock.uncertainty)
        }
        writer.string("kernel_events", header.kernelEvents?.name)
        if case .refused(let reason) = header.kernelEvents {
            writer.string("kernel_events_refusal", reason)
        } else {
            writer.null("kernel_events_refusal")
        }
    }
}
