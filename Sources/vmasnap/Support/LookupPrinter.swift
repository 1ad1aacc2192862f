import VMASnap

/// Prints lookup answers, one line each, as text or JSON Lines, formatted
/// straight into the output buffer (`AnswerFormatter`): a perf script
/// lookup prints millions of lines, so nothing is allocated per line, and
/// each mapping's escaped path and build ID are formatted once.
final class LookupPrinter {
    private let output: StandardOutput
    private var formatter: AnswerFormatter

    /// Adds each answer's symbols (`--symbols`), when set.
    var symbols: SymbolPrinter? {
        get { formatter.symbols }
        set { formatter.symbols = newValue }
    }

    init(index: LoadingAddressIndex, json: Bool, output: StandardOutput) {
        self.output = output
        formatter = AnswerFormatter(index: index, json: json)
    }

    /// Prints one answer; a call-chain frame is indented with a tab in text.
    func print(pid: Int32, time: Int64, address: UInt64, resolution: Resolution, isFrame: Bool = false) throws {
        try output.write { out in Self.format(pid, time, address, resolution, isFrame, formatter: &formatter, to: &out) }
    }

    /// One exclusive access to the formatter a line (see PerfResolvePrinter).
    private static func format(
        _ pid: Int32, _ time: Int64, _ address: UInt64, _ resolution: Resolution, _ isFrame: Bool,
        formatter: inout AnswerFormatter, to out: inout OutputBytes
    ) {
        formatter.putPrefix(pid: pid, time: time, isFrame: isFrame, to: &out)
        formatter.putAnswer(address: address, resolution: resolution, to: &out)
        out.append(UInt8(ascii: "\n"))
    }
}
