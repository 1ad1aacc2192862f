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

    @Option(name: [.short, .customLong("pid")], help: "The process ID.")
    var pid: ProcessID

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "How to read the mappings: auto (ioctl where the kernel has it), ioctl or text.")
    var backend: BackendChoice = .auto

    func run() throws {
        try Failure.guarded {
            let capture = try MappingCaptures.open(pid: pid.value, backend: backend)
            let mappings = try capture.capture()
            let output = StandardOutput()
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.integer("pid", pid.value)
                writer.string("backend", capture.backend.rawValue)
                writer.beginArray("mappings")
                for mapping in mappings { MappingJSON.write(mapping, to: &writer) }
                writer.endArray()
                writer.endObject()
                output.line(bytes: writer.text)
            } else {
                for mapping in mappings { output.line(MappingText.line(mapping)) }
            }
        }
    }
}
