// libFuzzer target: the recording reader, on any bytes. Built by Scripts/fuzz
// with `swift build -c release --product fuzz-recording --sanitize=fuzzer`;
// a plain build is a harmless no-op. Each input is handed to the reader
// through an unlinked file in /dev/shm (memory), the same code path as a
// file on disk.
import Glibc
import VMASnap

private let memoryFile: Int32 = {
    let path = "/dev/shm/vmasnap-fuzz-\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    unlink(path)
    return fd
}()
private let memoryPath = "/proc/self/fd/\(memoryFile)"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecording(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    precondition(memoryFile >= 0 && ftruncate(memoryFile, 0) == 0)
    var written = 0
    while written < size {
        let count = pwrite(memoryFile, data + written, size - written, off_t(written))
        precondition(count > 0)
        written += count
    }
    guard let reader = try? RecordingReader(path: memoryPath) else { return 0 }
    var records = 0
    for _ in reader.records() {
        records += 1
        if records > 100_000 { break }
    }
    let summary = reader.summary
    _ = summary.snapshots
    if let histories = try? reader.histories() {
        let index = AddressIndex(histories: histories)
        for history in histories.prefix(8) {
            for epoch in history.epochs.prefix(4) {
                for mapping in epoch.mappings.prefix(4) {
                    _ = index.resolve(pid: history.process.identity.pid, time: epoch.firstSeen, address: mapping.start)
                }
            }
            _ = history.timeline
            _ = history.changes(from: history.epochs.first?.firstSeen ?? 0, to: history.goneTime ?? .max)
        }
    }
    for number in reader.processes.indices.prefix(8) {
        _ = try? reader.state(of: number, at: summary.lastTime ?? 0)
    }
    return 0
}
