import ArgumentParser
import VMASnap

/// `vmasnap timeline`: every load and unload the snapshots saw, per process.
struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every mapping load and unload of the recorded processes.",
        discussion: """
            Per process: a line "pid PID (COMM) start START-TIME: SNAPSHOTS snapshots from T1 to T2", \
            and ", found gone at T3" when it was; then one line per event: TIME load|unload \
            START-END OFFSET BUILD-ID PATH. A load is the first snapshot that saw a mapping, an \
            unload the first that no longer did; a process's first snapshot loads everything it had \
            and its exit unloads nothing. With --json, one object per event: pid, time, event, path, \
            build_id, start, end, offset.
            """
    )

    @Argument(help: "The recording.")
    var file: String

    @Option(name: [.short, .customLong("pid")], help: "Only this process ID.")
    var pid: ProcessID?

    @Flag(help: "Print one JSON object a line.")
    var json = false

    func run() throws {
        try Failure.guarded {
            let recording = try OpenedRecording(path: file, verifying: true)
            let output = StandardOutput()
            defer {
                output.flush()
                recording.warn()
            }
            for history in try recording.histories(pid: pid?.value) {
                if !json { output.line(ProcessText.heading(history)) }
                for event in history.timeline {
                    if json {
                        var writer = JSONWriter()
                        writer.beginObject()
                        writer.integer("pid", event.process.pid)
                        writer.number("time", literal: TimeText.format(nanoseconds: event.time))
                        writer.string("event", event.kind.description)
                        MappingJSON.writeMembers(of: event.mapping, to: &writer)
                        writer.endObject()
                        output.line(bytes: writer.text)
                    } else {
                        let kind = event.kind == .load ? "load  " : "unload"
                        output.line("  \(TimeText.format(nanoseconds: event.time)) \(kind) \(ProcessText.mapping(event.mapping))")
                    }
                }
            }
        }
    }
}
