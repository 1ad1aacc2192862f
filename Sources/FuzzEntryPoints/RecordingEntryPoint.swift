import VMASnap

/// What the fuzz targets do with one input, shared by the libFuzzer
/// executables and the tests that replay the kept inputs
/// (Tests/FuzzCorpus), so that a finding stays a regression test. Each
/// returns a line saying what the input gave, which the tests compare.
public enum FuzzEntryPoints {
    /// Opens the file at `path` as a recording and uses everything a reader
    /// offers: records, summary, histories, an index with lookups, timelines,
    /// states. Errors are expected; crashes are findings.
    ///
    /// - Returns: what it gave: the error that refused the file, or the
    ///   counts of records, rounds, processes, epochs and answers, and where
    ///   the file stopped being readable.
    @discardableResult
    public static func exerciseRecording(atPath path: String) -> String {
        let reader: RecordingReader
        do {
            reader = try RecordingReader(path: path)
        } catch {
            return "refused: \(error)"
        }
        var records = 0
        for _ in reader.records() {
            records += 1
            if records > 100_000 { break }
        }
        let summary = reader.summary
        var outcome = "records \(records), rounds \(summary.rounds), snapshots \(summary.snapshots), "
            + "processes \(summary.processes), rebuilt \(reader.indexWasRebuilt), lost windows \(reader.lossWindows.count)"
        let histories: [ProcessHistory]
        do {
            histories = try reader.histories()
        } catch {
            return outcome + ", histories: \(error), truncation: \(reader.truncation.map { "\($0)" } ?? "none")"
        }
        let index = AddressIndex(histories: histories)
        var answers: [String] = []
        var events = 0
        for history in histories.prefix(8) {
            for epoch in history.epochs.prefix(4) {
                for mapping in epoch.mappings.prefix(4) {
                    answers.append(index.resolve(pid: history.process.identity.pid, time: epoch.firstSeen, address: mapping.start)
                        .status.description)
                    // Where a gap opens, or closes at an event-dated change (format 1.2).
                    answers.append(index.resolve(pid: history.process.identity.pid, time: epoch.lastSeen, address: mapping.start)
                        .status.description)
                }
            }
            events += history.timeline.count
            _ = history.changes(from: history.epochs.first?.firstSeen ?? 0, to: history.goneTime ?? .max)
        }
        var states = 0
        for number in reader.processes.indices.prefix(8) {
            if case let mappings?? = try? reader.state(of: number, at: summary.lastTime ?? 0) { states += mappings.count }
        }
        outcome += ", epochs \(histories.reduce(0) { $0 + $1.epochs.count }), events \(events), states \(states), "
            + "answers \(answers.joined(separator: " ")), truncation: \(reader.truncation.map { "\($0)" } ?? "none")"
        return outcome
    }
}
