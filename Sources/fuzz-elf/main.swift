// libFuzzer target: the ELF readers (build-ID notes, headers, symbol tables,
// DWARF through libdw, serialized symbol tables), which read files that
// untrusted processes map (see FuzzEntryPoints.exerciseELF). Built by
// Scripts/fuzz with `swift build -c release --product fuzz-elf
// --sanitize=fuzzer`; a plain build is a harmless no-op.
import FuzzEntryPoints

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFNotes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntryPoints.exerciseELF(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
