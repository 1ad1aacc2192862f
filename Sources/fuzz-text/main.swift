// libFuzzer target: every text parser that reads untrusted input (see
// FuzzEntryPoints.exerciseText). Built by Scripts/fuzz with
// `swift build -c release --product fuzz-text --sanitize=fuzzer`, which makes
// libFuzzer's main the entry point; a plain build is a harmless no-op.
import FuzzEntryPoints

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntryPoints.exerciseText(UnsafeBufferPointer(start: data, count: size))
    return 0
}
