// libFuzzer target: every text parser that reads untrusted input — `perf
// script` text and "PID TIME ADDRESS" lines (lookup --perf-script, --stdin),
// /proc/PID/maps and /proc/PID/stat text, durations, times and addresses.
// Built by Scripts/fuzz with --sanitize=fuzzer; a plain build is a no-op.
import VMASnap

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    var perfScript = PerfScriptParser()
    var addressList = AddressListParser()
    var lineStart = 0
    for index in 0...size where index == size || input[index] == UInt8(ascii: "\n") {
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
        precondition(line.pathBytes.count <= size)
    }
    _ = MapsTextParser.allLines(Array(input))
    _ = TextEscaping.escape(Array(input))
    var writer = JSONWriter()
    writer.bytes(nil, Array(input))
    return 0
}
