import VMASnap

/// Prints perf-resolve's samples: a line "PID/TID TIME COMM" and one
/// indented line a frame as `lookup` prints it, or one JSON object a
/// sample whose frames are `lookup --json`'s objects. Built into one buffer
/// a sample, with nothing allocated per frame.
final class PerfResolvePrinter {
    private let lookup: LookupPrinter
    private let json: Bool
    private let output: StandardOutput
    private var line: [UInt8] = []
    private var prefix: [UInt8] = []
    /// Command names as text (escaped) or JSON strings.
    private var commands: [[UInt8]: [UInt8]] = [:]

    /// Adds each frame's symbols (`--symbols`), when set.
    var symbols: SymbolPrinter? {
        get { lookup.symbols }
        set { lookup.symbols = newValue }
    }

    init(index: LoadingAddressIndex, json: Bool, output: StandardOutput) {
        self.lookup = LookupPrinter(index: index, json: json, output: output)
        self.json = json
        self.output = output
        line.reserveCapacity(1 << 14)
    }

    /// Prints one sample and its frames.
    func print(_ sample: PerfResolvedSample) throws {
        // A local buffer: appends to a class's property are checked for
        // exclusive access at run time (see LookupPrinter).
        var line: [UInt8] = []
        var prefix: [UInt8] = []
        swap(&line, &self.line)
        swap(&prefix, &self.prefix)
        defer {
            swap(&line, &self.line)
            swap(&prefix, &self.prefix)
        }
        line.removeAll(keepingCapacity: true)
        let time = Int64(bitPattern: sample.time)
        if json {
            LookupPrinter.append("{\"pid\":", to: &line)
            LookupPrinter.appendDecimal(sample.pid, to: &line)
            LookupPrinter.append(",\"tid\":", to: &line)
            LookupPrinter.appendDecimal(sample.tid, to: &line)
            LookupPrinter.append(",\"time\":", to: &line)
            LookupPrinter.appendTime(time, to: &line)
            LookupPrinter.append(",\"comm\":", to: &line)
            line.append(contentsOf: command(sample.command))
            LookupPrinter.append(",\"frames\":[", to: &line)
            // Every frame starts with the same pid and time: formatted once.
            prefix.removeAll(keepingCapacity: true)
            lookup.appendPrefix(pid: sample.pid, time: sample.recordingTime, isFrame: false, to: &prefix)
            for (position, frame) in sample.frames.enumerated() {
                if position > 0 { line.append(UInt8(ascii: ",")) }
                line.append(contentsOf: prefix)
                lookup.append(address: frame.address, resolution: frame.resolution, to: &line)
            }
            LookupPrinter.append("]}", to: &line)
            try output.line(bytes: line)
            return
        }
        LookupPrinter.appendDecimal(sample.pid, to: &line)
        line.append(UInt8(ascii: "/"))
        LookupPrinter.appendDecimal(sample.tid, to: &line)
        line.append(UInt8(ascii: " "))
        LookupPrinter.appendTime(time, to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: command(sample.command))
        prefix.removeAll(keepingCapacity: true)
        prefix.append(UInt8(ascii: "\n"))
        lookup.appendPrefix(pid: sample.pid, time: sample.recordingTime, isFrame: true, to: &prefix)
        for frame in sample.frames {
            line.append(contentsOf: prefix)
            lookup.append(address: frame.address, resolution: frame.resolution, to: &line)
        }
        try output.line(bytes: line)
    }

    private func command(_ name: [UInt8]?) -> [UInt8] {
        guard let name else { return Array((json ? "null" : "-").utf8) }
        if let cached = commands[name] { return cached }
        let text: [UInt8]
        if json {
            var writer = JSONWriter()
            writer.bytes(nil, name)
            text = writer.text
        } else {
            text = Array(TextEscaping.escape(name).utf8)
        }
        commands[name] = text
        return text
    }
}
