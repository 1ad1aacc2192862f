/// `--keep-symbols`: each new build ID's file, opened during the walk that
/// found it and read on the collector's thread.
extension Recorder {
    /// Hands the collector the file of every mapping whose build ID has no
    /// table yet. Called right after a walk that changed something, while
    /// the mappings are still there to open.
    func keepSymbols(of mappings: [ExecutableMapping], pid: Int32) {
        guard let symbolCollector else { return }
        for mapping in mappings {
            guard let buildID = mapping.buildID, !symbolBuildIDs.contains(buildID),
                  let descriptor = MapFiles.open(pid: pid, mapping: mapping, system: system)
            else { continue }
            symbolBuildIDs.insert(buildID)
            symbolCollector.submit(descriptor, buildID: buildID)
        }
    }

    /// Writes the tables made so far (between rounds).
    func storeSymbolsMade() throws {
        guard let symbolCollector else { return }
        for table in symbolCollector.take() { try writer.storeSymbols(table) }
    }
}
