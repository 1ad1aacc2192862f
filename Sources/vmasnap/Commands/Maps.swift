import ArgumentParser
import VMASnap

/// `vmasnap maps`: the live executable mappings of a process.
struct Maps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the executable file-backed mappings of a running process.",
        discussion: """
            One line a mapping: START-END PERMS OFFSET DEV INODE BUILD-ID PATH, as in /proc/PID/maps \
            with the build ID before the path ("-" when unknown). Names are escaped: a newline in a \
            file name prints as \\n, other control bytes as \\xNN.
            """
    )

    @OptionGroup var process: ProcessOption
    @OptionGroup var format: JSONOption
    @OptionGroup var reading: BackendOption

    func validate() throws { _ = try process.required() }

    func run() throws {
        try Failure.guarded {
            let pid = try process.required()
            let capture = try MappingCaptures.open(pid: pid, backend: reading.backend)
            let mappings = try capture.capture()
            let output = StandardOutput()
            if format.json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.integer("pid", pid)
                writer.string("backend", capture.backend.rawValue)
                writer.beginArray("mappings")
                for mapping in mappings { MappingJSON.write(mapping, to: &writer) }
                writer.endArray()
                writer.endObject()
                try output.line(bytes: writer.text)
            } else {
                for mapping in mappings { try output.line(MappingText.line(mapping)) }
            }
            try output.flush()
        }
    }
}
