// libFuzzer target: the recording reader, on any bytes. Built by Scripts/fuzz
// with `swift build -c release --product fuzz-recording --sanitize=fuzzer`;
// a plain build is a harmless no-op. Each input is handed to the reader
// through an unlinked file in /dev/shm (memory), the same code path as a
// file on disk.
import FuzzEntryPoints

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntryPoints.exerciseRecording(atPath: FuzzInputFile.holding(data, size))
    return 0
}
