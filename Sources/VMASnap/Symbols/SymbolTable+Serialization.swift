extension SymbolTable {
    /// The first bytes of a serialized table.
    static let magic = Array("VMASYMB\0".utf8)
    /// The major version written and read; a reader reads any minor version
    /// of its major one, skipping sections it does not know.
    static let majorVersion: UInt8 = 1
    /// The minor version written.
    static let minorVersion: UInt8 = 0

    /// Section tags (Formats/symbols.md).
    enum SectionTag: UInt64 {
        case segments = 1
        case functions = 2
        case sourceFiles = 3
        case lines = 4
    }

    /// The table as bytes: the layout of Formats/symbols.md, which a
    /// recording stores per build ID and `init(serialized:)` reads back.
    ///
    /// - Returns: The serialized table.
    public func serialized() -> [UInt8] {
        var encoder = ByteEncoder()
        encode(into: &encoder)
        return encoder.bytes
    }

    /// Appends the serialized table to `encoder`.
    func encode(into encoder: inout ByteEncoder) {
        encoder.append(SymbolTable.magic)
        encoder.byte(SymbolTable.majorVersion)
        encoder.byte(SymbolTable.minorVersion)
        encoder.varint(buildID?.bytes.count ?? 0)
        if let buildID { encoder.append(buildID.bytes) }

        section(.segments, into: &encoder) { payload in
            payload.varint(segments.count)
            for segment in segments {
                payload.varint(segment.fileOffset)
                payload.varint(segment.virtualAddress)
                payload.varint(segment.fileSize)
                payload.varint(segment.memorySize)
                payload.varint(UInt64(segment.flags))
            }
        }
        section(.functions, into: &encoder) { payload in
            payload.varint(count)
            var previous: UInt64 = 0
            for index in 0..<count {
                payload.varint(starts[index] - previous)
                previous = starts[index]
                payload.varint(sizes[index])
            }
            for index in 0..<count {
                let name = self.name(of: index)
                payload.varint(name.count)
                payload.append(name)
            }
        }
        if !sourceFileIndexes.isEmpty {
            section(.sourceFiles, into: &encoder) { payload in
                payload.varint(sourceFiles.count)
                for file in sourceFiles {
                    payload.varint(file.count)
                    payload.append(file)
                }
                for index in sourceFileIndexes {
                    payload.varint(index == SymbolTable.noSourceFile ? 0 : UInt64(index) + 1)
                }
            }
        }
        if let lines {
            section(.lines, into: &encoder) { payload in
                payload.varint(lines.files.count)
                for file in lines.files {
                    payload.varint(file.count)
                    payload.append(file)
                }
                payload.varint(lines.rows.count)
                var previous: UInt64 = 0
                for row in lines.rows {
                    payload.varint(row.address - previous)
                    previous = row.address
                    payload.varint(row.file.map { UInt64($0) + 1 } ?? 0)
                    payload.varint(UInt64(row.line))
                }
            }
        }
    }

    private func section(_ tag: SectionTag, into encoder: inout ByteEncoder, _ write: (inout ByteEncoder) -> Void) {
        var payload = ByteEncoder()
        write(&payload)
        encoder.varint(tag.rawValue)
        encoder.varint(payload.bytes.count)
        encoder.append(payload.bytes)
    }

    /// Reads a table serialized by `serialized()`: every length, count and
    /// number checked, so that any bytes give a table or an error.
    ///
    /// - Parameter bytes: A serialized table.
    /// - Throws: `FormatError` naming the byte where the bytes stop making
    ///   sense (a wrong magic, another major version, a truncated section,
    ///   functions out of order, a file number that names no file).
    public init(serialized bytes: [UInt8]) throws {
        var decoder = ByteDecoder(bytes, origin: .file(0))
        try self.init(decoding: &decoder)
        guard decoder.isAtEnd else { throw decoder.error(.invalid("bytes after the symbol table")) }
    }

    /// Reads a table from `decoder` (a recording's record, later).
    init(decoding decoder: inout ByteDecoder) throws {
        let start = decoder.position
        guard decoder.remaining >= SymbolTable.magic.count,
              try decoder.bytes(SymbolTable.magic.count, "symbol table magic") == SymbolTable.magic
        else { throw decoder.error(.invalid("not a vmasnap symbol table (no \"VMASYMB\" magic)"), at: start) }
        let major = try decoder.byte("symbol table major version")
        let minor = try decoder.byte("symbol table minor version")
        guard major == SymbolTable.majorVersion else {
            throw decoder.error(.unsupportedVersion(major: UInt16(major), minor: UInt16(minor)), at: start + SymbolTable.magic.count)
        }
        let buildIDLength = try decoder.count("build ID length", limit: BuildID.maximumLength)
        let buildID = buildIDLength == 0 ? nil : BuildID(try decoder.bytes(buildIDLength, "build ID"))

        var segments: [ELFSegment]?
        var starts: [UInt64] = []
        var sizes: [UInt64] = []
        var nameStarts: [UInt32] = [0]
        var names: [UInt8] = []
        var haveFunctions = false
        var sourceFiles: [[UInt8]] = []
        var sourceFileIndexes: [UInt32] = []
        var haveSourceFiles = false
        var lines: LineTable?
        while !decoder.isAtEnd {
            let tagAt = decoder.position
            let tag = try decoder.varint("section tag")
            let length = try decoder.varint("section length")
            var payload = try decoder.prefix(length, "symbol table section")
            func once(_ seen: Bool) throws {
                if seen { throw decoder.error(.invalid("symbol table section \(tag) appears twice"), at: tagAt) }
            }
            switch SectionTag(rawValue: tag) {
            case .segments:
                try once(segments != nil)
                segments = try SymbolTable.decodeSegments(&payload)
            case .functions:
                try once(haveFunctions)
                haveFunctions = true
                try SymbolTable.decodeFunctions(&payload, starts: &starts, sizes: &sizes, nameStarts: &nameStarts, names: &names)
            case .sourceFiles:
                try once(haveSourceFiles)
                haveSourceFiles = true
                sourceFiles = try SymbolTable.decodeStrings(&payload, "source file")
                // One number a function, 0 for none: known once functions are.
                guard haveFunctions else { throw payload.error(.invalid("source files before functions")) }
                sourceFileIndexes.reserveCapacity(starts.count)
                for _ in 0..<starts.count {
                    let number = try payload.varint("source file number")
                    guard number <= UInt64(sourceFiles.count) else { throw payload.error(.undefined("source file", number: number - 1)) }
                    sourceFileIndexes.append(number == 0 ? SymbolTable.noSourceFile : UInt32(number - 1))
                }
            case .lines:
                try once(lines != nil)
                lines = try SymbolTable.decodeLines(&payload)
            case nil:
                // A section of a later minor version: skipped.
                continue
            }
            guard payload.isAtEnd else { throw payload.error(.invalid("symbol table section \(tag) has bytes after its end")) }
        }
        guard let segments, haveFunctions else { throw decoder.error(.invalid("the symbol table lacks its segments or functions")) }
        self.init(buildID: buildID, segments: segments, starts: starts, sizes: sizes, nameStarts: nameStarts, names: names,
                  sourceFiles: sourceFiles, sourceFileIndexes: sourceFileIndexes, lines: lines)
    }

    private static func decodeSegments(_ payload: inout ByteDecoder) throws -> [ELFSegment] {
        // Each segment takes at least 5 bytes.
        let count = try payload.count("segment count", limit: payload.remaining / 5)
        var segments: [ELFSegment] = []
        segments.reserveCapacity(count)
        for _ in 0..<count {
            let fileOffset = try payload.varint("segment file offset")
            let address = try payload.varint("segment address")
            let fileSize = try payload.varint("segment file size")
            let memorySize = try payload.varint("segment memory size")
            let flags = try payload.varint("segment flags")
            guard flags <= UInt64(UInt32.max) else { throw payload.error(.tooLarge("segment flags", value: flags, limit: UInt64(UInt32.max))) }
            segments.append(ELFSegment(type: ELFSegment.loadType, flags: UInt32(flags), fileOffset: fileOffset, virtualAddress: address,
                                       fileSize: fileSize, memorySize: memorySize, alignment: 0))
        }
        return segments
    }

    private static func decodeFunctions(_ payload: inout ByteDecoder, starts: inout [UInt64], sizes: inout [UInt64],
                                        nameStarts: inout [UInt32], names: inout [UInt8]) throws {
        // Each function takes at least 3 bytes: start, size, name length.
        let count = try payload.count("function count", limit: payload.remaining / 3)
        starts.reserveCapacity(count)
        sizes.reserveCapacity(count)
        nameStarts.reserveCapacity(count + 1)
        var previous: UInt64 = 0
        for index in 0..<count {
            let at = payload.position
            let delta = try payload.varint("function start")
            // Starts ascend strictly: one function per address.
            guard index == 0 || delta > 0, delta <= UInt64.max - previous else {
                throw payload.error(.invalid("function starts are not in ascending order"), at: at)
            }
            previous += delta
            starts.append(previous)
            sizes.append(try payload.varint("function size"))
        }
        for _ in 0..<count {
            let length = try payload.count("function name length", limit: payload.remaining)
            names.append(contentsOf: try payload.bytes(length, "function name"))
            guard names.count <= Int(UInt32.max) else {
                throw payload.error(.tooLarge("function names", value: UInt64(names.count), limit: UInt64(UInt32.max)))
            }
            nameStarts.append(UInt32(names.count))
        }
    }

    private static func decodeStrings(_ payload: inout ByteDecoder, _ what: String) throws -> [[UInt8]] {
        let count = try payload.count("\(what) count", limit: payload.remaining)
        var strings: [[UInt8]] = []
        strings.reserveCapacity(count)
        for _ in 0..<count {
            let length = try payload.count("\(what) length", limit: payload.remaining)
            strings.append(try payload.bytes(length, what))
        }
        return strings
    }

    private static func decodeLines(_ payload: inout ByteDecoder) throws -> LineTable {
        let files = try decodeStrings(&payload, "line table file")
        // Each row takes at least 3 bytes.
        let count = try payload.count("line row count", limit: payload.remaining / 3)
        var rows: [LineTable.Row] = []
        rows.reserveCapacity(count)
        var previous: UInt64 = 0
        for _ in 0..<count {
            let at = payload.position
            let delta = try payload.varint("line row address")
            guard delta <= UInt64.max - previous else { throw payload.error(.invalid("line row addresses overflow"), at: at) }
            previous += delta
            let file = try payload.varint("line row file")
            guard file <= UInt64(files.count) else { throw payload.error(.undefined("line table file", number: file - 1)) }
            let line = try payload.varint("line row line")
            guard line <= UInt64(Int32.max) else { throw payload.error(.tooLarge("line", value: line, limit: UInt64(Int32.max))) }
            rows.append(LineTable.Row(address: previous, file: file == 0 ? nil : Int(file - 1), line: Int(line)))
        }
        return LineTable(files: files, rows: rows)
    }
}
