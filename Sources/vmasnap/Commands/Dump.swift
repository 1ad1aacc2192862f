import ArgumentParser
import VMASnap

/// `vmasnap dump FILE`: every record of a recording.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every record of a recording, in file order.",
        discussion: """
            One line a record, times in seconds on the recording's clock; the mappings of a keyframe or \
            delta follow it, one indented line each (START-END PERMS OFFSET DEV INODE BUILD-ID PATH; a \
            removed mapping as "- START"). Each frame is announced by a "frame" line. Names are escaped \
            (\\n, \\xNN). --json prints JSON Lines: one object a record, with a "type" member. A file cut \
            short prints what precedes the cut and a warning on stderr.
            """
    )

    @OptionGroup var recording: RecordingFileArgument
    @OptionGroup var format: JSONOption

    func run() throws {
        try Failure.guarded {
            let file = recording.file
            let reader = try RecordingReader(path: file)
            let output = StandardOutput()
            if format.json {
                try output.line(bytes: Self.headerJSON(reader.header))
                for record in reader.records() { try output.line(bytes: Self.json(record)) }
            } else {
                try output.line(Self.headerLine(reader.header))
                for record in reader.records() {
                    for line in Self.lines(record) { try output.line(line) }
                }
            }
            try output.flush()
            if let error = reader.readError { throw error }
            if let truncation = reader.truncation {
                StandardError.line("vmasnap: warning: \(TextEscaping.escape(file)) is \(TextEscaping.escape(truncation.description)); "
                    + "the records before it are shown")
            }
        }
    }
}
