import Foundation
@testable import VMASnap

/// llvm-symbolizer and addr2line, the oracles the symbolizer is checked
/// against, run on the same addresses: ELF virtual addresses, converted from
/// file offsets by the test's own reading of `readelf -lW` (not vmasnap's).
enum SymbolOracle {
    /// One frame as an oracle prints it; innermost first, as both list them.
    struct Frame: Equatable, CustomStringConvertible {
        var function: String?
        var file: String?
        var line: Int?
        /// llvm-symbolizer's StartAddress of the function, when it prints one.
        var start: UInt64?

        var description: String {
            "\(function ?? "??") \(file ?? "??"):\(line.map(String.init) ?? "?")\(start.map { " start=\(AddressText.format($0))" } ?? "")"
        }
    }

    static let llvmSymbolizer = "/opt/swift/usr/bin/llvm-symbolizer"

    /// llvm-symbolizer --output-style=JSON on `addresses` of `object`.
    static func llvm(object: String, addresses: [UInt64], inlines: Bool = true, demangle: Bool = true,
                     extraArguments: [String] = []) throws -> [[Frame]] {
        var arguments = ["--obj=\(object)", "--output-style=JSON", inlines ? "--inlines" : "--no-inlines"] + extraArguments
        if !demangle { arguments.append("--no-demangle") }
        let input = addresses.map { AddressText.format($0) }.joined(separator: "\n") + "\n"
        let result = try CommandResult.run(arguments, executable: llvmSymbolizer, input: input)
        guard result.status == 0 else { throw FixtureError(command: "llvm-symbolizer \(object)", answer: result.standardError) }
        var answers: [[Frame]] = []
        for line in result.lines {
            let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
            let objects = (value as? [[String: Any]]) ?? [(value as? [String: Any]) ?? [:]]
            for object in objects {
                let symbols = object["Symbol"] as? [[String: Any]] ?? []
                answers.append(symbols.map { symbol in
                    let function = symbol["FunctionName"] as? String ?? ""
                    let file = symbol["FileName"] as? String ?? ""
                    let line = symbol["Line"] as? Int ?? 0
                    let start = (symbol["StartAddress"] as? String).flatMap { AddressText.parse($0) }
                    return Frame(function: function.isEmpty ? nil : function, file: file.isEmpty ? nil : file,
                                 line: file.isEmpty ? nil : line, start: start)
                })
            }
        }
        guard answers.count == addresses.count else {
            throw FixtureError(command: "llvm-symbolizer \(object)", answer: "\(answers.count) answers for \(addresses.count) addresses")
        }
        return answers
    }

    /// addr2line -a -f -i (and -C to demangle) on `addresses` of `object`.
    static func addr2line(object: String, addresses: [UInt64], demangle: Bool = true) throws -> [[Frame]] {
        var arguments = ["-a", "-f", "-i", "-e", object]
        if demangle { arguments.append("-C") }
        let input = addresses.map { AddressText.format($0) }.joined(separator: "\n") + "\n"
        let result = try CommandResult.run(arguments, executable: "/usr/bin/addr2line", input: input)
        guard result.status == 0 else { throw FixtureError(command: "addr2line \(object)", answer: result.standardError) }
        var answers: [[Frame]] = []
        var lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("0x") else { index += 1; continue }
            index += 1
            var frames: [Frame] = []
            while index + 1 < lines.count, !lines[index].hasPrefix("0x") {
                let function = lines[index]
                var location = lines[index + 1]
                if let discriminator = location.range(of: " (discriminator") { location = String(location[..<discriminator.lowerBound]) }
                let colon = location.lastIndex(of: ":")!
                let file = String(location[..<colon])
                // addr2line prints line 0 as "?".
                let lineText = location[location.index(after: colon)...]
                let line = lineText == "?" ? 0 : Int(lineText)
                frames.append(Frame(function: function == "??" ? nil : function, file: file == "??" ? nil : file,
                                    line: file == "??" ? nil : line, start: nil))
                index += 2
            }
            answers.append(frames)
        }
        guard answers.count == addresses.count else {
            throw FixtureError(command: "addr2line \(object)", answer: "\(answers.count) answers for \(addresses.count) addresses")
        }
        return answers
    }

    /// The raw names demangled by swift-demangle (one per line, in order),
    /// without sugar ("Swift.Optional<A>", not "A?"), as the runtime's
    /// swift_demangle prints them.
    static func swiftDemangle(_ names: [String]) throws -> [String] {
        let result = try CommandResult.run(["--no-sugar"], executable: "/opt/swift/usr/bin/swift-demangle",
                                           input: names.joined(separator: "\n") + "\n")
        return result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).prefix(names.count).map(String.init)
    }

    /// The names demangled by c++filt (binutils' libiberty demangler, the
    /// same code as libstdc++'s __cxa_demangle).
    static func cxxfilt(_ names: [String]) throws -> [String] {
        let result = try CommandResult.run([], executable: "/usr/bin/c++filt", input: names.joined(separator: "\n") + "\n")
        return result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).prefix(names.count).map(String.init)
    }
}

/// A file's loadable segments as `readelf -lW` prints them: the tests' own
/// conversion between file offsets and ELF virtual addresses.
struct ReadelfSegments {
    struct Segment {
        var offset: UInt64
        var address: UInt64
        var fileSize: UInt64
        var executable: Bool
    }

    var segments: [Segment]
    /// The code sections (SHF_EXECINSTR with bytes): file offset and size.
    var codeSections: [(offset: UInt64, size: UInt64)]

    init(path: String) throws {
        let sections = try CommandResult.run(["-SW", path], executable: "/usr/bin/readelf").standardOutput
        codeSections = sections.split(separator: "\n").compactMap { line -> (offset: UInt64, size: UInt64)? in
            guard let bracket = line.firstIndex(of: "]") else { return nil }
            let fields = line[line.index(after: bracket)...].split(separator: " ")
            guard fields.count >= 7, fields[1] == "PROGBITS", fields[6].contains("X"),
                  let offset = UInt64(fields[3], radix: 16), let size = UInt64(fields[4], radix: 16), size > 0
            else { return nil }
            return (offset, size)
        }
        let output = try CommandResult.run(["-lW", path], executable: "/usr/bin/readelf").standardOutput
        segments = output.split(separator: "\n").compactMap { line -> Segment? in
            let fields = line.split(separator: " ")
            guard fields.first == "LOAD", fields.count >= 7 else { return nil }
            func hex(_ field: Substring) -> UInt64 { UInt64(field.dropFirst(2), radix: 16)! }
            return Segment(offset: hex(fields[1]), address: hex(fields[2]), fileSize: hex(fields[4]),
                           executable: fields.dropFirst(6).contains { $0.contains("E") })
        }
    }

    /// The executable segments.
    var executable: [Segment] { segments.filter(\.executable) }

    func address(ofFileOffset offset: UInt64) -> UInt64? {
        let segment = segments.first { $0.executable && offset >= $0.offset && offset < $0.offset + $0.fileSize }
            ?? segments.first { offset >= $0.offset && offset < $0.offset + $0.fileSize }
        return segment.map { offset - $0.offset + $0.address }
    }

    func fileOffset(ofAddress address: UInt64) -> UInt64? {
        let segment = segments.first { $0.executable && address >= $0.address && address < $0.address + $0.fileSize }
        return segment.map { address - $0.address + $0.offset }
    }

    /// File offsets to try in the code: `count` random ones (seeded) in the
    /// code sections, and the start, last byte and end of every function
    /// `nm` lists with a size in `path` (the file or its debug file).
    func sampleOffsets(path: String, count: Int, seed: UInt64) throws -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        var offsets: [UInt64] = []
        let total = codeSections.reduce(0) { $0 + $1.size }
        for _ in 0..<(total > 0 ? count : 0) {
            var pick = UInt64.random(in: 0..<total, using: &generator)
            for section in codeSections {
                if pick < section.size { offsets.append(section.offset + pick); break }
                pick -= section.size
            }
        }
        let nm = try CommandResult.run(["-S", "--defined-only", path], executable: "/usr/bin/nm").standardOutput
        var boundaries: [UInt64] = []
        for line in nm.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, "tTwW".contains(fields[2]), let address = UInt64(fields[0], radix: 16),
                  let size = UInt64(fields[1], radix: 16), size > 0
            else { continue }
            for candidate in [address, address + size - 1, address + size] {
                if let offset = fileOffset(ofAddress: candidate) { boundaries.append(offset) }
            }
        }
        if boundaries.count > count {
            boundaries.shuffle(using: &generator)
            boundaries.removeLast(boundaries.count - count)
        }
        return Array(Set(offsets + boundaries)).sorted()
    }
}
