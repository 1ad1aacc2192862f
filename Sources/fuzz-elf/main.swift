// libFuzzer target: the ELF build-ID note reader, which reads files that
// untrusted processes map. Built by Scripts/fuzz with
// `swift build -c release --product fuzz-elf --sanitize=fuzzer`, which makes
// libFuzzer's main the entry point; a plain build is a harmless no-op.
import VMASnap

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFNotes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let image = Array(UnsafeBufferPointer(start: data, count: size))
    if let id = ELFBuildIDReader.buildID(in: image) {
        precondition(!id.bytes.isEmpty && id.bytes.count <= BuildID.maximumLength)
    }
    return 0
}
