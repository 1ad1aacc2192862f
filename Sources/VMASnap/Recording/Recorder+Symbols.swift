/// `--keep-symbols`: each new build ID's file, opened during the walk that
/// found it and read on the collector's thread.
extension Recorder {
    /// The most files opened for the collector and not read yet: each is a
    /// descriptor, and a recorder of every process must keep enough of them
    /// for its walks.
    static let symbolFilesWaitingLimit = 32

    /// Hands the collector the file of every mapping whose build ID has no
    /// table yet. Called right after a walk that changed something, while
    /// the mappings are still there to open; when enough files wait, the
    /// mapping is kept to be opened between rounds.
    func keepSymbols(of mappings: [ExecutableMapping], pid: Int32) {
        guard let symbolCollector else { return }
        for mapping in mappings {
            guard let buildID = mapping.buildID, !symbolBuildIDs.contains(buildID) else { continue }
            if symbolCollector.waiting >= Recorder.symbolFilesWaitingLimit {
                symbolCandidates[buildID] = (pid, mapping)
            } else {
                submitSymbols(of: mapping, pid: pid)
            }
        }
    }

    /// Opens a mapping's file and hands it to the collector; a file that
    /// cannot be opened is tried again when another walk meets its build ID.
    private func submitSymbols(of mapping: ExecutableMapping, pid: Int32) {
        guard let symbolCollector, let buildID = mapping.buildID,
              let descriptor = MapFiles.open(pid: pid, of: mapping, system: system)?.release()
        else { return }
        symbolBuildIDs.insert(buildID)
        symbolCandidates[buildID] = nil
        symbolCollector.submit(descriptor, buildID: buildID)
    }

    /// Between rounds: writes the tables made so far, and opens the files
    /// that waited for room.
    func storeSymbolsMade() throws {
        guard let symbolCollector else { return }
        for table in symbolCollector.take() {
            do {
                try writer.storeSymbols(table)
            } catch WriterError.invalidSymbols {
                // Too large for a frame: left out, counted; the recording goes on.
                symbolTablesTooLarge += 1
            }
        }
        while symbolCollector.waiting < Recorder.symbolFilesWaitingLimit, let (buildID, candidate) = symbolCandidates.first {
            symbolCandidates[buildID] = nil
            submitSymbols(of: candidate.mapping, pid: candidate.pid)
        }
    }

    /// As the recording ends: every table started or waiting, made and written.
    func storeAllSymbols() throws {
        guard let symbolCollector else { return }
        repeat {
            symbolCollector.waitForAll()
            try storeSymbolsMade()
        } while symbolCollector.waiting > 0
    }
}
