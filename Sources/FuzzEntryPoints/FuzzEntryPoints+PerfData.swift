import VMASnap

extension FuzzEntryPoints {
    /// An index with one process (pid 100) and a few mappings, so that
    /// fuzzed samples reach the lookups.
    private static func perfDataIndex() -> AddressIndex {
        let mapping = ExecutableMapping(
            start: 0x7f00_0000_0000, end: 0x7f00_0000_4000, offset: 0x1000, permissions: [.read, .execute],
            device: DeviceNumber(major: 254, minor: 1), inode: 1234, pageSize: 4096, path: MappedPath("/usr/lib/libsynthetic.so"),
            buildID: nil)
        let process = RecordedProcess(identity: ProcessIdentity(pid: 100, startTime: 1), parentPID: 1, command: Array("app".utf8),
                                      executable: nil)
        return AddressIndex(histories: [ProcessHistory(process: process, epochs: [
            ProcessHistory.Epoch(firstSeen: 0, lastSeen: 1_000_000, snapshotCount: 2, mappings: [mapping]),
            ProcessHistory.Epoch(firstSeen: 2_000_000, lastSeen: 3_000_000, snapshotCount: 2, mappings: []),
        ], goneTime: 4_000_000)])
    }

    /// Opens the file at `path` as perf.data and uses everything the reader
    /// offers: features, every record decoded (samples, mappings, trailers),
    /// every sample resolved with perf's own view beside it, the clock
    /// estimate. Errors are expected; crashes are findings.
    public static func exercisePerfData(atPath path: String) {
        if let reader = try? PerfDataReader(path: path) {
            reader.holdingLimit = 1 << 20
            _ = reader.features.buildIDs.count
            try? reader.forEachRecord { record in
                let decoder = reader.events.decoders[record.event]
                _ = try? decoder.event(record.bytes)
                if record.header.type != .sample { _ = try? decoder.sampleID(record.bytes, type: record.header.type) }
            }
        }
        if let reader = try? PerfDataReader(path: path) {
            reader.holdingLimit = 1 << 20
            let index = perfDataIndex()
            let resolver = PerfSampleResolver(reader: reader, index: index) { attribute in
                PerfTimeConversion.choose(for: attribute, readings: [], header: RecordingHeader(
                    start: 0, referenceRealtime: 1, referenceMonotonic: 1, bootID: "", hostName: "", kernelRelease: "",
                    options: "", clockTicksPerSecond: 100, backend: "ioctl"), clockData: reader.features.clockData, estimate: 0)
            }
            resolver.compare = true
            var comparison = PerfComparison(sampleLimit: 4)
            try? resolver.run { sample in comparison.add(sample, index: index, view: resolver.perfView) }
        }
        if let reader = try? PerfDataReader(path: path), let loads = try? PerfClockEstimate.loads(in: reader, limit: 1000) {
            let histories = perfDataIndex().histories
            _ = PerfClockEstimate.estimate(loads: loads) { pid in histories.filter { $0.process.identity.pid == pid } }
        }
    }
}
