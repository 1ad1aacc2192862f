import VMASnap

extension Dump {
    static func headerLine(_ header: RecordingHeader) -> String {
        "header version \(header.majorVersion).\(header.minorVersion) clock \(header.clock) start \(TimeText.format(nanoseconds: header.start)) "
            + "realtime \(TimeText.utc(realtime: header.realtime(of: header.start))) host \(TextEscaping.escape(header.hostName)) "
            + "kernel \(TextEscaping.escape(header.kernelRelease)) boot-id \(TextEscaping.escape(header.bootID)) "
            + "backend \(TextEscaping.escape(header.backend)) ticks \(header.clockTicksPerSecond) "
            + "flush \(TimeText.format(nanoseconds: header.flushInterval)) keyframe \(TimeText.format(nanoseconds: header.keyframeInterval)) "
            + "options \(TextEscaping.escape(header.options))"
            + (header.perfClock.map { " perf-clock \(TimeText.format(nanoseconds: $0.perfTime)) at \(TimeText.format(nanoseconds: $0.recordingTime)) ±\($0.uncertainty)ns" } ?? "")
            + (header.kernelEvents.map { use in
                if case .refused(let reason) = use { return " events refused (\(TextEscaping.escape(reason)))" }
                return " events \(use.name)"
            } ?? "")
    }

    /// The text lines of one record.
    static func lines(_ record: RecordingRecord) -> [String] {
        switch record {
        case .frame(let frame):
            return ["frame \(frame.number) at byte \(frame.offset): \(frame.length) bytes, "
                + (frame.compressed ? "zstd \(frame.storedLength) -> \(frame.decodedLength)" : "stored \(frame.storedLength)")]
        case .path(let number, let path):
            return ["path \(number) \(path)"]
        case .buildID(let number, let buildID):
            return ["build-id \(number) \(buildID)"]
        case .file(let number, let file):
            return ["file \(number) dev \(file.device) inode \(file.inode) build-id \(file.buildID?.description ?? "-") \(file.path)"]
        case .process(let number, let process):
            return ["process \(number) pid \(process.identity.pid) start-time \(process.identity.startTime) "
                + "ppid \(process.parentPID) comm \(TextEscaping.escape(process.command)) "
                + "exe \(process.executable?.description ?? "-")"]
        case .exec(let process, let command, let executable):
            return ["exec process \(process) comm \(TextEscaping.escape(command)) exe \(executable?.description ?? "-")"]
        case .perfClock(let reading):
            return ["perf-clock perf \(TimeText.format(nanoseconds: reading.perfTime)) at \(TimeText.format(nanoseconds: reading.recordingTime)) "
                + "uncertainty \(reading.uncertainty) ns"]
        case .symbols(let table):
            return ["symbols build-id \(table.buildID) \(table.storedLength) bytes (\(table.decodedLength) decoded)"]
        case .recorderReport(let report):
            return ["recorder-report walks \(report.walks) met-a-change \(report.walksMeetingChanges)"
                + (report.events.map { " events processes \($0.processesFromEvents) walks-only-changes \($0.changesFoundByWalksOnly) "
                    + "lost-records \($0.lostRecords) lost-windows \($0.lostWindows)" } ?? "")]
        case .round(let time):
            return ["round \(TimeText.format(nanoseconds: time))"]
        case .quiet(let count, let first, let last):
            return ["quiet \(count) rounds \(TimeText.format(nanoseconds: first)) to \(TimeText.format(nanoseconds: last))"]
        case .keyframe(let process, let time, let mappings, let datedByEvent):
            return ["keyframe \(TimeText.format(nanoseconds: time)) process \(process) mappings \(mappings.count)"
                + (datedByEvent ? " dated-by event" : "")]
                + mappings.map { "  " + MappingText.line($0) }
        case .delta(let process, let time, let removed, let added, let datedByEvent):
            return ["delta \(TimeText.format(nanoseconds: time)) process \(process) removed \(removed.count) added \(added.count)"
                + (datedByEvent ? " dated-by event" : "")]
                + removed.map { "  - " + AddressText.format($0) } + added.map { "  + " + MappingText.line($0) }
        case .fork(let process, let parent, let time, let mappings):
            // The set is the parent's, not stored again: shown as a keyframe's is.
            return ["fork \(TimeText.format(nanoseconds: time)) process \(process) from process \(parent) mappings \(mappings.count) dated-by event"]
                + mappings.map { "  " + MappingText.line($0) }
        case .lost(let first, let last):
            return ["lost \(TimeText.format(nanoseconds: first)) to \(TimeText.format(nanoseconds: last)) (kernel events may be missing)"]
        case .gone(let process, let time, let reason):
            return ["gone \(TimeText.format(nanoseconds: time)) process \(process) \(reason)"]
        case .unknown(let type, let length):
            return ["unknown record type \(Hex.address(UInt64(type))) length \(length) (skipped)"]
        }
    }

    static func headerJSON(_ header: RecordingHeader) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("type", "header")
        HeaderJSON.writeMembers(of: header, to: &writer)
        writer.endObject()
        return writer.text
    }

    /// One JSON object for a record.
    static func json(_ record: RecordingRecord) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        switch record {
        case .frame(let frame):
            writer.string("type", "frame")
            writer.integer("number", frame.number)
            writer.integer("offset", frame.offset)
            writer.integer("length", frame.length)
            writer.bool("compressed", frame.compressed)
            writer.integer("stored_length", frame.storedLength)
            writer.integer("decoded_length", frame.decodedLength)
        case .path(let number, let path):
            writer.string("type", "path")
            writer.integer("number", number)
            writer.bytes("path", path.bytes)
        case .buildID(let number, let buildID):
            writer.string("type", "build_id")
            writer.integer("number", number)
            writer.string("build_id", buildID.description)
        case .file(let number, let file):
            writer.string("type", "file")
            writer.integer("number", number)
            writer.string("dev", file.device.description)
            writer.integer("inode", file.inode)
            writer.bytes("path", file.path.bytes)
            writer.string("build_id", file.buildID?.description)
        case .process(let number, let process):
            writer.string("type", "process")
            writer.integer("number", number)
            writer.integer("pid", process.identity.pid)
            writer.integer("start_time", process.identity.startTime)
            writer.integer("ppid", process.parentPID)
            writer.bytes("comm", process.command)
            writer.bytes("executable", process.executable?.bytes)
        case .exec(let process, let command, let executable):
            writer.string("type", "exec")
            writer.integer("process", process)
            writer.bytes("comm", command)
            writer.bytes("executable", executable?.bytes)
        case .perfClock(let reading):
            writer.string("type", "perf_clock")
            writer.integer("perf_time_ns", reading.perfTime)
            writer.integer("recording_time_ns", reading.recordingTime)
            writer.integer("uncertainty_ns", reading.uncertainty)
        case .symbols(let table):
            writer.string("type", "symbols")
            writer.string("build_id", table.buildID.description)
            writer.integer("stored_bytes", table.storedLength)
            writer.integer("decoded_bytes", table.decodedLength)
        case .recorderReport(let report):
            writer.string("type", "recorder_report")
            RecorderReportJSON.writeMembers(of: report, to: &writer)
        case .round(let time):
            writer.string("type", "round")
            writer.number("time_s", literal: TimeText.format(nanoseconds: time))
        case .quiet(let count, let first, let last):
            writer.string("type", "quiet")
            writer.integer("count", count)
            writer.number("first_time_s", literal: TimeText.format(nanoseconds: first))
            writer.number("last_time_s", literal: TimeText.format(nanoseconds: last))
        case .keyframe(let process, let time, let mappings, let datedByEvent):
            writer.string("type", "keyframe")
            writer.integer("process", process)
            writer.number("time_s", literal: TimeText.format(nanoseconds: time))
            writer.string("dated_by", datedByEvent ? "event" : "walk")
            writer.beginArray("mappings")
            for mapping in mappings { MappingJSON.write(mapping, to: &writer) }
            writer.endArray()
        case .delta(let process, let time, let removed, let added, let datedByEvent):
            writer.string("type", "delta")
            writer.integer("process", process)
            writer.number("time_s", literal: TimeText.format(nanoseconds: time))
            writer.string("dated_by", datedByEvent ? "event" : "walk")
            writer.beginArray("removed")
            for start in removed { writer.string(nil, AddressText.format(start)) }
            writer.endArray()
            writer.beginArray("added")
            for mapping in added { MappingJSON.write(mapping, to: &writer) }
            writer.endArray()
        case .fork(let process, let parent, let time, let mappings):
            writer.string("type", "fork")
            writer.integer("process", process)
            writer.integer("parent", parent)
            writer.number("time_s", literal: TimeText.format(nanoseconds: time))
            writer.string("dated_by", "event")
            writer.beginArray("mappings")
            for mapping in mappings { MappingJSON.write(mapping, to: &writer) }
            writer.endArray()
        case .lost(let first, let last):
            writer.string("type", "lost")
            writer.number("first_time_s", literal: TimeText.format(nanoseconds: first))
            writer.number("last_time_s", literal: TimeText.format(nanoseconds: last))
        case .gone(let process, let time, let reason):
            writer.string("type", "gone")
            writer.integer("process", process)
            writer.number("time_s", literal: TimeText.format(nanoseconds: time))
            writer.string("reason", reason.description)
        case .unknown(let type, let length):
            writer.string("type", "unknown")
            writer.integer("record_type", type)
            writer.integer("length", length)
        }
        writer.endObject()
        return writer.text
    }
}
