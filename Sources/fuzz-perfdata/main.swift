// libFuzzer target: the perf.data reader (header, attributes, features, records in round order,
// COMPRESSED data, sample decoding, resolution and perf's own view), on any bytes. Built by Scripts/fuzz
// with `swift build -c release --product fuzz-perfdata --sanitize=fuzzer`;
// a plain build is a harmless no-op. Each input is handed to the reader
// through an unlinked file in /dev/shm (memory), the same code path as a
// file on disk.
import FuzzEntryPoints
import Glibc

private let memoryFile: Int32 = {
    let path = "/dev/shm/vmasnap-fuzz-perfdata-\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    unlink(path)
    return fd
}()
private let memoryPath = "/proc/self/fd/\(memoryFile)"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPerfData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    precondition(memoryFile >= 0 && ftruncate(memoryFile, 0) == 0)
    var written = 0
    while written < size {
        let count = pwrite(memoryFile, data + written, size - written, off_t(written))
        precondition(count > 0)
        written += count
    }
    FuzzEntryPoints.exercisePerfData(atPath: memoryPath)
    return 0
}
