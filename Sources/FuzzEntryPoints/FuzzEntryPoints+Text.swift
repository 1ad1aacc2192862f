import VMASnap

extension FuzzEntryPoints {
    /// Feeds `input` to every parser of untrusted text: `perf script` text and
    /// "PID TIME ADDRESS" lines (lookup --perf-script, --stdin), maps and stat
    /// text, durations, times, addresses; and through the escapers.
    ///
    /// - Returns: what it gave: per parser, the lines it accepted, and the
    ///   sizes of what the escapers and the maps parser produced.
    @discardableResult
    public static func exerciseText(_ input: UnsafeBufferPointer<UInt8>) -> String {
        var perfScript = PerfScriptParser()
        var addressList = AddressListParser()
        var accepted = (perfScript: 0, addressList: 0, addresses: 0, times: 0, stats: 0, durations: 0)
        var lineStart = 0
        for index in 0...input.count where index == input.count || input[index] == UInt8(ascii: "\n") {
            let line = UnsafeBufferPointer(rebasing: input[lineStart..<index])
            if (try? perfScript.parse(line: line)) != nil { accepted.perfScript += 1 }
            if (try? addressList.parse(line: line)) != nil { accepted.addressList += 1 }
            if AddressText.parse(bytes: line) != nil { accepted.addresses += 1 }
            if TimeText.parseSeconds(line) != nil { accepted.times += 1 }
            if ProcessStat.parse(Array(line)) != nil { accepted.stats += 1 }
            if (try? DurationText.parse(String(decoding: line, as: UTF8.self))) != nil { accepted.durations += 1 }
            lineStart = index + 1
        }
        var executableLines = 0
        MapsTextParser.forEachExecutableFileLine(input) { line in
            precondition(line.pathBytes.count <= input.count)
            executableLines += 1
        }
        let allLines = MapsTextParser.allLines(Array(input)).count
        let escaped = TextEscaping.escape(Array(input)).utf8.count
        var writer = JSONWriter()
        writer.bytes(nil, Array(input))
        return "perf script \(accepted.perfScript), address list \(accepted.addressList), addresses \(accepted.addresses), "
            + "times \(accepted.times), stats \(accepted.stats), durations \(accepted.durations), "
            + "maps \(executableLines)/\(allLines), escaped \(escaped), json \(writer.text.count)"
    }
}
