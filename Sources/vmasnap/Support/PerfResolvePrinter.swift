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
    /// Command names as text (escaped) or JSON strings.
    private var commands: [[UInt8]: [UInt8]] = [:]

    init(index: AddressIndex, json: Bool, output: StandardOutput) {
        self.lookup = LookupPrinter(index: index, json: json, output: output)
        self.json = json
        self.output = output
        line.reserveCapacity(1 << 14)
    }

    /// Prints one sample and its frames.
    func print(_ sample: PerfResolvedSample) {
        line.removeAll(keepingCapacity: true)
        let time = Int64(bitPattern: sample.time)
        if json {
            append("{\"pid\":")
            lookup.appendDecimal(sample.pid, to: &line)
            append(",\"tid\":")
            lookup.appendDecimal(sample.tid, to: &line)
            append(",\"time\":")
            lookup.appendTime(time, to: &line)
            append(",\"comm\":")
            line.append(contentsOf: command(sample.command))
            append(",\"frames\":[")
            for (position, frame) in sample.frames.enumerated() {
                if position > 0 { line.append(UInt8(ascii: ",")) }
                lookup.append(pid: sample.pid, time: sample.recordingTime, address: frame.address, resolution: frame.resolution,
                              isFrame: false, to: &line)
            }
            append("]}")
            output.line(bytes: line)
            return
        }
        lookup.appendDecimal(sample.pid, to: &line)
        line.append(UInt8(ascii: "/"))
        lookup.appendDecimal(sample.tid, to: &line)
        line.append(UInt8(ascii: " "))
        lookup.appendTime(time, to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: command(sample.command))
        for frame in sample.frames {
            line.append(UInt8(ascii: "\n"))
            lookup.append(pid: sample.pid, time: sample.recordingTime, address: frame.address, resolution: frame.resolution,
                          isFrame: true, to: &line)
        }
        output.line(bytes: line)
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

    private func append(_ text: StaticString) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }
}
