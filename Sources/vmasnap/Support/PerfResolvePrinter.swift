import VMASnap

/// Prints perf-resolve's samples: a line "PID/TID TIME COMM" and one
/// indented line a frame as `lookup` prints it, or one JSON object a
/// sample whose frames are `lookup --json`'s objects. Formatted straight
/// into the output buffer, with nothing allocated per frame.
final class PerfResolvePrinter {
    private let json: Bool
    private let output: StandardOutput
    private var formatter: AnswerFormatter
    /// Command names as text (escaped) or JSON strings.
    private var commands: [[UInt8]: [UInt8]] = [:]

    /// Adds each frame's symbols (`--symbols`), when set.
    var symbols: SymbolPrinter? {
        get { formatter.symbols }
        set { formatter.symbols = newValue }
    }

    init(index: LoadingAddressIndex, json: Bool, output: StandardOutput) {
        self.json = json
        self.output = output
        formatter = AnswerFormatter(index: index, json: json)
    }

    /// Prints one sample and its frames.
    func print(_ sample: PerfResolvedSample) throws {
        let command = self.command(sample.command)
        let json = self.json
        try output.write { out in
            // The formatter is passed inout: one exclusive access a sample,
            // not one a frame (a class's properties are checked at run time).
            Self.format(sample, command: command, json: json, formatter: &formatter, to: &out)
        }
    }

    private static func format(
        _ sample: PerfResolvedSample, command: [UInt8], json: Bool, formatter: inout AnswerFormatter, to out: inout OutputBytes
    ) {
        let time = Int64(bitPattern: sample.time)
        out.reserve(96)
        if json {
            out.put("{\"pid\":")
            out.putDecimal(Int64(sample.pid))
            out.put(",\"tid\":")
            out.putDecimal(Int64(sample.tid))
            out.put(",\"time\":")
            out.putSeconds(nanoseconds: time)
            out.put(",\"comm\":")
            out.append(command)
            out.reserve(16)
            out.put(",\"frames\":[")
        } else {
            out.putDecimal(Int64(sample.pid))
            out.put(UInt8(ascii: "/"))
            out.putDecimal(Int64(sample.tid))
            out.put(UInt8(ascii: " "))
            out.putSeconds(nanoseconds: time)
            out.put(UInt8(ascii: " "))
            out.append(command)
        }
        // Every frame starts with the same pid and time: formatted once,
        // then copied from where it was first written.
        var prefixStart = 0
        var prefixLength = 0
        for (position, frame) in sample.frames.enumerated() {
            if json {
                if position > 0 { out.append(UInt8(ascii: ",")) }
            } else {
                out.append(UInt8(ascii: "\n"))
            }
            if position == 0 {
                prefixStart = out.count
                formatter.putPrefix(pid: sample.pid, time: sample.recordingTime, isFrame: !json, to: &out)
                prefixLength = out.count - prefixStart
            } else {
                out.reserve(prefixLength)
                out.putCopy(from: prefixStart, length: prefixLength)
            }
            formatter.putAnswer(address: frame.address, resolution: frame.resolution, to: &out)
        }
        out.reserve(3)
        if json { out.put("]}") }
        out.put(UInt8(ascii: "\n"))
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
