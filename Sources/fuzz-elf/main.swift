// libFuzzer target: the ELF build-ID note reader, which reads files that
// untrusted processes map (see FuzzEntryPoints.exerciseELF). Built by
// Scripts/fuzz with `swift build -c release --product fuzz-elf
// --sanitize=fuzzer`; a plain build is a harmless no-op.
import FuzzEntryPoints

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFNotes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntryPoints.exerciseELF(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
