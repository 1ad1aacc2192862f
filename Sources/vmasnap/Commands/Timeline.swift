import ArgumentParser
import VMASnap

/// `vmasnap timeline`: every load and unload the snapshots saw, per process.
struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every mapping load and unload of the recorded processes.",
        discussion: """
            Per process: a line "pid PID (COMM) start START-TIME: SNAPSHOTS snapshots from T1 to T2", \
            and ", found gone at T3" when it was; then one line per event: TIME load|unload event|walk \
            START-END OFFSET BUILD-ID PATH. A load is the first snapshot that saw a mapping, an \
            unload the first that no longer did; a process's first snapshot loads everything it had \
            and its exit unloads nothing. "event": a kernel event dated the change at exactly TIME \
            (format 1.2, outside every lost-events window); "walk": a walk found it, some time after \
            the snapshot before. With --json, one object per event: pid, time, event, path, \
            build_id, start, end, offset, dated_by ("event" or "walk").
            """
    )

    @OptionGroup var recording: RecordingFileArgument
    @OptionGroup var process: ProcessOption
    @OptionGroup var format: JSONOption

    func run() throws {
        try Failure.guarded {
            let opened = try OpenedRecording(path: recording.file, verifying: true)
            let output = StandardOutput()
            // Damage found on the way is said after the output, as the commands that read everything say it.
            defer { opened.warn() }
            for history in try opened.histories(pid: process.pid?.value) {
                if !format.json { try output.line(ProcessText.heading(history)) }
                for event in history.timeline {
                    if format.json {
                        var writer = JSONWriter()
                        writer.beginObject()
                        writer.integer("pid", event.process.pid)
                        writer.number("time", literal: TimeText.format(nanoseconds: event.time))
                        writer.string("event", event.kind.description)
                        MappingJSON.writeMembers(of: event.mapping, to: &writer)
                        // Last: scripts written for 1.1's objects match them as they were.
                        writer.string("dated_by", event.datedByEvent ? "event" : "walk")
                        writer.endObject()
                        try output.line(bytes: writer.text)
                    } else {
                        let kind = event.kind == .load ? "load  " : "unload"
                        let dated = event.datedByEvent ? "event" : "walk "
                        try output.line(
                            "  \(TimeText.format(nanoseconds: event.time)) \(kind) \(dated) \(ProcessText.mapping(event.mapping))")
                    }
                }
            }
            try output.flush()
        }
    }
}
