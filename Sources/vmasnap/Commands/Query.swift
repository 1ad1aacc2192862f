import ArgumentParser
import VMASnap

/// `vmasnap query`: resolve addresses in a running process, on demand.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve addresses of a running process to file, file offset and build ID.",
        discussion: """
            For each address, the executable file-backed mapping covering it now (one ioctl each, \
            no walk), and the file offset: address - start + offset. Addresses are hex, with or \
            without 0x. With --symbols, a tab and the function, offset, source line and inlined \
            functions follow, from the file with the mapping's build ID.
            """
    )

    @OptionGroup var process: ProcessOption

    @Argument(help: "Addresses to resolve, in hex.")
    var addresses: [Address]

    @OptionGroup var format: JSONOption
    @OptionGroup var reading: BackendOption

    @OptionGroup var symbolOptions: SymbolOptions

    func validate() throws {
        _ = try process.required()
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
        try symbolOptions.check()
    }

    func run() throws {
        try Failure.guarded {
            let pid = try process.required()
            let capture = try MappingCaptures.open(pid: pid, backend: reading.backend)
            let output = StandardOutput()
            let symbolizer = symbolOptions.symbols ? symbolOptions.makeSymbolizer() : nil
            for address in addresses {
                let mapping = try capture.mapping(covering: address.value)
                let symbols = mapping.flatMap { mapping in
                    symbolizer?.symbolize(buildID: mapping.buildID, path: mapping.path, fileOffset: mapping.fileOffset(of: address.value))
                }
                if format.json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.integer("pid", pid)
                    writer.string("address", AddressText.format(address.value))
                    writer.string("status", mapping == nil ? "unmapped" : "mapped")
                    MappingJSON.writeResolution(mapping, address: address.value, to: &writer)
                    if symbolizer != nil { SymbolPrinter.write(symbols, to: &writer) }
                    writer.endObject()
                    try output.line(bytes: writer.text)
                } else if let mapping {
                    try output.line(
                        "\(AddressText.format(address.value)) \(mapping.path)+\(AddressText.format(mapping.fileOffset(of: address.value))) "
                            + (mapping.buildID?.description ?? "-") + (symbols.map { String(decoding: SymbolPrinter.text($0), as: UTF8.self) } ?? ""))
                } else {
                    try output.line("\(AddressText.format(address.value)) not mapped")
                }
            }
            try output.flush()
        }
    }
}
