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

    @OptionGroup var process: ProcessOption

    @Argument(help: "Addresses to resolve, in hex.")
    var addresses: [Address]

    @OptionGroup var format: JSONOption
    @OptionGroup var reading: BackendOption

    func validate() throws {
        _ = try process.required()
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
    }

    func run() throws {
        try Failure.guarded {
            let pid = try process.required()
            let capture = try MappingCaptures.open(pid: pid, backend: reading.backend)
            let output = StandardOutput()
            for address in addresses {
                let mapping = try capture.mapping(covering: address.value)
                if format.json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.integer("pid", pid)
                    writer.string("address", AddressText.format(address.value))
                    writer.string("status", mapping == nil ? "unmapped" : "mapped")
                    MappingJSON.writeResolution(mapping, address: address.value, to: &writer)
                    writer.endObject()
                    try output.line(bytes: writer.text)
                } else if let mapping {
                    try output.line(
                        "\(AddressText.format(address.value)) \(mapping.path)+\(AddressText.format(mapping.fileOffset(of: address.value))) "
                            + (mapping.buildID?.description ?? "-"))
                } else {
                    try output.line("\(AddressText.format(address.value)) not mapped")
                }
            }
            try output.flush()
        }
    }
}
