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

    @OptionGroup var recording: RecordingFileArgument

    @Option(help: "The earlier time.")
    var from: LookupTime

    @Option(help: "The later time.")
    var to: LookupTime

    @OptionGroup var process: ProcessOption
    @OptionGroup var format: JSONOption

    func run() throws {
        try Failure.guarded {
            let opened = try OpenedRecording(path: recording.file, verifying: true)
            let output = StandardOutput()
            // Damage found on the way is said after the output, as the commands that read everything say it.
            defer { opened.warn() }
            let fromTime = try opened.nanoseconds(of: from, option: "--from")
            let toTime = try opened.nanoseconds(of: to, option: "--to")
            for history in try opened.histories(pid: process.pid?.value) {
                let changes = history.changes(from: fromTime, to: toTime)
                guard !changes.isEmpty else { continue }
                if !format.json { try output.line(ProcessText.heading(history)) }
                for (change, mappings) in [("removed", changes.removed), ("added", changes.added)] {
                    for mapping in mappings {
                        if format.json {
                            var writer = JSONWriter()
                            writer.beginObject()
                            writer.integer("pid", history.process.identity.pid)
                            writer.string("change", change)
                            MappingJSON.writeMembers(of: mapping, to: &writer)
                            writer.endObject()
                            try output.line(bytes: writer.text)
                        } else {
                            try output.line("  \(change == "removed" ? "-" : "+") \(ProcessText.mapping(mapping))")
                        }
                    }
                }
            }
            try output.flush()
        }
    }
}
