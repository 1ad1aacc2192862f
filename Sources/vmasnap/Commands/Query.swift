import ArgumentParser
import VMASnap

/// `vmasnap query`: resolve addresses in a running process, on demand.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve addresses of a running process to file, file offset and build ID.",
        discussion: """
            For each address, the executable file-backed mapping covering it now (one ioctl each, \
            no walk), and the file offset: address - start + offset. Addresses are hex, with or \
            without 0x.
            """
    )

    @Option(name: [.short, .customLong("pid")], help: "The process ID.")
    var pid: ProcessID

    @Argument(help: "Addresses to resolve, in hex.")
    var addresses: [Address]

    @Flag(help: "Print one JSON object a line.")
    var json = false

    @Option(help: "How to read the mappings: auto, ioctl or text.")
    var backend: BackendChoice = .auto

    func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
    }

    func run() throws {
        try Failure.guarded {
            let capture = try MappingCaptures.open(pid: pid.value, backend: backend)
            let output = StandardOutput()
            for address in addresses {
                let mapping = try capture.mapping(covering: address.value)
                if json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.integer("pid", pid.value)
                    writer.string("address", AddressText.format(address.value))
                    writer.string("status", mapping == nil ? "unmapped" : "mapped")
                    MappingJSON.writeResolution(mapping, address: address.value, to: &writer)
                    writer.endObject()
                    output.line(bytes: writer.text)
                } else if let mapping {
                    output.line(
                        "\(AddressText.format(address.value)) \(mapping.path)+\(AddressText.format(mapping.fileOffset(of: address.value))) "
                            + (mapping.buildID?.description ?? "-"))
                } else {
                    output.line("\(AddressText.format(address.value)) not mapped")
                }
            }
        }
    }
}
