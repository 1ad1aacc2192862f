// libFuzzer target: the perf.data reader (header, attributes, features,
// records in round order, COMPRESSED data, sample decoding, resolution and
// perf's own view), on any bytes. Built by Scripts/fuzz with
// `swift build -c release --product fuzz-perfdata --sanitize=fuzzer`; a
// plain build is a harmless no-op.
import FuzzEntryPoints

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPerfData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntryPoints.exercisePerfData(atPath: FuzzInputFile.holding(data, size))
    return 0
}
