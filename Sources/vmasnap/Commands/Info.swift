import ArgumentParser
import VMASnap

/// `vmasnap info FILE`: what a recording holds.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a recording's header, time span, counts and sizes.",
        discussion: """
            Reads the header and the index (rebuilt by scanning when the recorder did not finish, or when \
            the stored one fails a check: then "index" says why), and checks every frame and the index \
            against them, so that a file cut short or damaged is reported with the byte where it stops \
            being readable, and the counts are those of what reads back. Times are seconds on the recording's clock (CLOCK_MONOTONIC). \
            --json prints one object with at least "snapshots", "processes", "bytes", "duration_s", \
            "truncated" and "index_problem"; "symbol_tables" and "symbol_bytes" are the symbol \
            tables record --keep-symbols stored and their bytes in the file; "kernel_events" is "on", \
            "off" or "refused" (with "kernel_events_refusal"), "walks", "walks_meeting_changes", \
            "processes_from_events", "changes_found_by_walks_only", "lost_records" and "lost_windows" \
            what the recorder met (null when unknown: a recorder killed, or events not on); \
            "recorded_lost_windows" and "recorded_lost_span_s" the windows of lost kernel events the \
            file records (format 1.2: changes the events dated in them read as walk-found).
            """
    )

    @OptionGroup var recording: RecordingFileArgument
    @OptionGroup var format: JSONOption

    func run() throws {
        try Failure.guarded {
            let file = recording.file
            let reader = try RecordingReader(path: file)
            reader.verify()
            if let error = reader.readError { throw error }
            let output = StandardOutput()
            if format.json {
                try output.line(bytes: Self.json(reader, file: file))
            } else {
                for line in Self.text(reader, file: file) { try output.line(line) }
            }
            try output.flush()
        }
    }

    /// "1.000000000 s" and the like.
    static func seconds(_ nanoseconds: Int64) -> String { TimeText.format(nanoseconds: nanoseconds) + " s" }

    static func text(_ reader: RecordingReader, file: String) -> [String] {
        let header = reader.header
        let summary = reader.summary
        var lines: [String] = []
        func add(_ name: String, _ value: String) {
            let label = name + ":"
            lines.append(label + String(repeating: " ", count: max(1, 20 - label.count)) + value)
        }
        add("file", TextEscaping.escape(file))
        add("format", "vmasnap \(header.majorVersion).\(header.minorVersion)")
        add("clock", header.clock.description)
        add("started", "\(TimeText.utc(realtime: header.realtime(of: header.start))) (\(seconds(header.start)) on the clock)")
        add("host", TextEscaping.escape(header.hostName))
        add("kernel", TextEscaping.escape(header.kernelRelease))
        add("boot ID", TextEscaping.escape(header.bootID))
        add("backend", TextEscaping.escape(header.backend))
        add("options", TextEscaping.escape(header.options))
        add("clock ticks", "\(header.clockTicksPerSecond) per second")
        add("flush interval", seconds(header.flushInterval))
        add("keyframe interval", seconds(header.keyframeInterval))
        if let first = summary.firstTime, let last = summary.lastTime {
            add("time span", "\(seconds(first)) to \(seconds(last)) (\(seconds(summary.duration)))")
        } else {
            add("time span", "no rounds")
        }
        add("processes", "\(summary.processes)")
        add("rounds", "\(summary.rounds)")
        add("snapshots", "\(summary.snapshots) (unchanged ones included)")
        add("records", "\(summary.records) in \(summary.frames) frames")
        let ratio = summary.fileBytes == 0 ? "" : ", ratio " + ratioText(summary)
        add("bytes", "\(summary.fileBytes) in the file; \(summary.decodedBytes) of records decoded\(ratio)")
        let tables = reader.storedSymbolTables
        if tables.isEmpty {
            add("stored symbols", "none (record --keep-symbols stores them)")
        } else {
            let stored = tables.reduce(0) { $0 + $1.storedLength }
            let decoded = tables.reduce(UInt64(0)) { $0 + $1.decodedLength }
            add("stored symbols", "\(tables.count) file\(tables.count == 1 ? "" : "s"): \(stored) bytes in the file "
                + "(\(decoded) decoded)")
        }
        add("kernel events", eventsText(header.kernelEvents))
        if let report = reader.recorderReport {
            let met = report.walksMeetingChanges
            add("walks", "\(report.walks), \(met) of them met a change in progress")
            if let events = report.events {
                add("found by events", "\(events.processesFromEvents) process\(events.processesFromEvents == 1 ? "" : "es"); "
                    + "\(events.changesFoundByWalksOnly) change\(events.changesFoundByWalksOnly == 1 ? "" : "s") found by walks only; "
                    + "\(events.lostRecords) record\(events.lostRecords == 1 ? "" : "s") lost in "
                    + "\(events.lostWindows) window\(events.lostWindows == 1 ? "" : "s")")
            }
        } else {
            add("walks", "unknown (no recorder report: the recorder did not finish, or predates it)")
        }
        let windows = reader.lossWindows
        if windows.isEmpty {
            add("lost windows", "none recorded")
        } else {
            let span = windows.reduce(Int64(0)) { $0 &+ ($1.upperBound - $1.lowerBound) }
            add("lost windows", "\(windows.count) recorded, \(seconds(span)) in all (changes the events dated in them read as walk-found)")
        }
        add("index", indexText(reader))
        if let truncation = reader.truncation {
            add("cut short", "yes: \(TextEscaping.singleLine(truncation.description))")
        } else {
            add("cut short", "no")
        }
        return lines
    }

    /// What the header says of kernel events.
    static func eventsText(_ use: KernelEventsUse?) -> String {
        switch use {
        case .on?: return "on"
        case .off?: return "off (record --events off)"
        case .refused(let reason)?: return "refused: \(TextEscaping.escape(reason)) (walks only)"
        case nil: return "unknown (not in the header)"
        }
    }

    /// Where the index came from, and why the stored one was not used.
    static func indexText(_ reader: RecordingReader) -> String {
        guard reader.indexWasRebuilt else { return "read from the end of the file, checked against the frames" }
        guard let problem = reader.indexProblem, problem != reader.truncation?.error else {
            return "rebuilt by scanning the frames"
        }
        return "rebuilt by scanning the frames; the stored one was not used (\(TextEscaping.escape(problem.description)))"
    }

    /// Decoded bytes per file byte, with two decimals.
    static func ratioText(_ summary: RecordingSummary) -> String {
        Decimal.fixed(Int64((Double(summary.decodedBytes) / Double(max(summary.fileBytes, 1)) * 100).rounded()), places: 2)
    }

    static func json(_ reader: RecordingReader, file: String) -> [UInt8] {
        let header = reader.header
        let summary = reader.summary
        var writer = JSONWriter()
        writer.beginObject()
        writer.bytes("file", Array(file.utf8))
        HeaderJSON.writeMembers(of: header, to: &writer)
        if let first = summary.firstTime, let last = summary.lastTime {
            writer.number("first_time_s", literal: TimeText.format(nanoseconds: first))
            writer.number("last_time_s", literal: TimeText.format(nanoseconds: last))
        } else {
            writer.null("first_time_s")
            writer.null("last_time_s")
        }
        writer.number("duration_s", literal: TimeText.format(nanoseconds: summary.duration))
        writer.integer("processes", summary.processes)
        writer.integer("rounds", summary.rounds)
        writer.integer("snapshots", summary.snapshots)
        writer.integer("records", summary.records)
        writer.integer("frames", summary.frames)
        writer.integer("bytes", summary.fileBytes)
        writer.integer("decoded_bytes", summary.decodedBytes)
        let tables = reader.storedSymbolTables
        writer.integer("symbol_tables", tables.count)
        writer.integer("symbol_bytes", tables.reduce(0) { $0 + $1.storedLength })
        writer.integer("symbol_decoded_bytes", tables.reduce(UInt64(0)) { $0 + $1.decodedLength })
        RecorderReportJSON.writeMembers(of: reader.recorderReport, to: &writer)
        let windows = reader.lossWindows
        writer.integer("recorded_lost_windows", windows.count)
        writer.number("recorded_lost_span_s",
                      literal: TimeText.format(nanoseconds: windows.reduce(Int64(0)) { $0 &+ ($1.upperBound - $1.lowerBound) }))
        writer.string("index", reader.indexWasRebuilt ? "rebuilt" : "footer")
        writer.string("index_problem", reader.indexProblem.map { $0.description })
        writer.bool("truncated", reader.truncation != nil)
        writer.integer("truncated_at", reader.truncation?.offset)
        writer.string("truncation_reason", reader.truncation.map { $0.error.description })
        writer.endObject()
        return writer.text
    }
}
