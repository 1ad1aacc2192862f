import ArgumentParser
import VMASnap

/// `vmasnap dump FILE`: every record of a recording.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every record of a recording, in file order.",
        discussion: """
            One line a record, times in seconds on the recording's clock; the mappings of a keyframe or \
            delta follow it, one indented line each (START-END PERMS OFFSET DEV INODE BUILD-ID PATH; a \
            removed mapping as "- START"); a fork (format 2.0) is followed by the parent's mappings it \
            took, which the file does not list again. Each frame is announced by a "frame" line. Names are escaped \
            (\\n, \\xNN). --json prints JSON Lines: one object a record, with a "type" member. Every frame is \
            checked first: a file cut short or damaged prints what precedes the first frame that does \
            not read back, and the same warning on stderr as every command gives.
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
            RecordingWarnings(path: file).report(reader)
        }
    }
}
