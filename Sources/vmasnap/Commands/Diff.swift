import ArgumentParser
import VMASnap

/// `vmasnap diff`: the mappings that changed between two times.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the mappings removed and added between two times, per process.",
        discussion: """
            Compares, per process, the snapshot in effect at --from with the one in effect at --to \
            (none before its first snapshot or after it was found gone). Times are seconds on the \
            recording's clock or +SECONDS from its start. Text: a heading per process that changed, \
            then "- START-END OFFSET BUILD-ID PATH" for each removed mapping and "+ ..." for each \
            added one. With --json, one object per mapping: pid, change (removed|added), path, \
            build_id, start, end, offset.
            """
    )

    @Argument(help: "The recording.")
    var file: String

    @Option(help: "The earlier time.")
    var from: LookupTime

    @Option(help: "The later time.")
    var to: LookupTime

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
            let fromTime = from.nanoseconds(start: recording.start)
            let toTime = to.nanoseconds(start: recording.start)
            for history in try recording.histories(pid: pid?.value) {
                let changes = history.changes(from: fromTime, to: toTime)
                guard !changes.isEmpty else { continue }
                if !json { output.line(ProcessText.heading(history)) }
                for (change, mappings) in [("removed", changes.removed), ("added", changes.added)] {
                    for mapping in mappings {
                        if json {
                            var writer = JSONWriter()
                            writer.beginObject()
                            writer.integer("pid", history.process.identity.pid)
                            writer.string("change", change)
                            MappingJSON.writeMembers(of: mapping, to: &writer)
                            writer.endObject()
                            output.line(bytes: writer.text)
                        } else {
                            output.line("  \(change == "removed" ? "-" : "+") \(ProcessText.mapping(mapping))")
                        }
                    }
                }
            }
        }
    }
}
