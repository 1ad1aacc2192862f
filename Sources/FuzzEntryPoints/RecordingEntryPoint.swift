import VMASnap

/// What the fuzz targets do with one input, shared by the libFuzzer
/// executables and the tests that replay the kept inputs
/// (Tests/FuzzCorpus), so that a finding stays a regression test.
public enum FuzzEntryPoints {
    /// Opens the file at `path` as a recording and uses everything a reader
    /// offers: records, summary, histories, an index with lookups, timelines,
    /// states. Errors are expected; crashes are findings.
    public static func exerciseRecording(atPath path: String) {
        guard let reader = try? RecordingReader(path: path) else { return }
        var records = 0
        for _ in reader.records() {
            records += 1
            if records > 100_000 { break }
        }
        let summary = reader.summary
        guard let histories = try? reader.histories() else { return }
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
        for number in reader.processes.indices.prefix(8) {
            _ = try? reader.state(of: number, at: summary.lastTime ?? 0)
        }
    }
}
