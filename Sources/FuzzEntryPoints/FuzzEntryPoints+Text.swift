import VMASnap

extension FuzzEntryPoints {
    /// Feeds `input` to every parser of untrusted text: `perf script` text and
    /// "PID TIME ADDRESS" lines (lookup --perf-script, --stdin), maps and stat
    /// text, durations, times, addresses; and through the escapers.
    public static func exerciseText(_ input: UnsafeBufferPointer<UInt8>) {
        var perfScript = PerfScriptParser()
        var addressList = AddressListParser()
        var lineStart = 0
        for index in 0...input.count where index == input.count || input[index] == UInt8(ascii: "\n") {
            let line = UnsafeBufferPointer(rebasing: input[lineStart..<index])
            _ = try? perfScript.parse(line: line)
            _ = try? addressList.parse(line: line)
            _ = AddressText.parse(bytes: line)
            _ = TimeText.parseSeconds(line)
            _ = ProcessStat.parse(Array(line))
            _ = try? DurationText.parse(String(decoding: line, as: UTF8.self))
            lineStart = index + 1
        }
        MapsTextParser.forEachExecutableFileLine(input) { line in
            precondition(line.pathBytes.count <= input.count)
        }
        _ = MapsTextParser.allLines(Array(input))
        _ = TextEscaping.escape(Array(input))
        var writer = JSONWriter()
        writer.bytes(nil, Array(input))
    }
}
