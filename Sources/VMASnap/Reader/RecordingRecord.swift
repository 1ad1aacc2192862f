/// One record of a recording, decoded: numbers resolved to what they
/// define, times in nanoseconds on the header's clock.
public enum RecordingRecord: Hashable, Sendable {
    /// A frame begins (not a record of the file: it announces the records that follow).
    case frame(RecordingFrame)
    /// PATH: a path defined once, referred to by `number`.
    case path(number: Int, path: MappedPath)
    /// BUILD_ID: a build ID defined once.
    case buildID(number: Int, buildID: BuildID)
    /// FILE: a mapped file (device, inode, path, build ID) defined once.
    case file(number: Int, file: RecordedFile)
    /// PROCESS: a process seen for the first time.
    case process(number: Int, process: RecordedProcess)
    /// EXEC: process `process` ran exec(); from here on it has this command
    /// name and executable (same pid, same start time, new mappings).
    case exec(process: Int, command: [UInt8], executable: MappedPath?)
    /// PERF_CLOCK (format 1.1): a measurement of perf's clock against the recording's.
    case perfClock(PerfClockReading)
    /// SYMBOLS (format 1.1): a symbol table stored for a build ID.
    case symbols(StoredSymbolTable)
    /// RECORDER_REPORT (format 1.1): what the recorder met, written as it finished.
    case recorderReport(RecorderReport)
    /// ROUND: a sampling round begins; every live process without a snapshot
    /// record in it was confirmed unchanged.
    case round(time: Int64)
    /// QUIET: `count` rounds from `firstTime` to `lastTime` in which nothing changed.
    case quiet(count: Int, firstTime: Int64, lastTime: Int64)
    /// KEYFRAME: all the executable mappings of a process. `datedByEvent`
    /// (format 1.2): the record says a kernel event dated the change at
    /// exactly `time` (a lookup reads it so unless `time` is in a LOST window).
    case keyframe(process: Int, time: Int64, mappings: [ExecutableMapping], datedByEvent: Bool = false)
    /// DELTA: the mappings a process lost (by start address) and gained;
    /// `datedByEvent` as for a KEYFRAME.
    case delta(process: Int, time: Int64, removedStarts: [UInt64], added: [ExecutableMapping], datedByEvent: Bool = false)
    /// FORK (format 2.0): process `process` was forked from `parent` at
    /// `time`, with the parent's mappings then (`mappings`, which the file
    /// does not list again), dated by the fork's kernel event.
    case fork(process: Int, parent: Int, time: Int64, mappings: [ExecutableMapping])
    /// GONE: the process is no longer followed.
    case gone(process: Int, time: Int64, reason: ProcessEnd)
    /// LOST (format 1.2): kernel events may be missing from `firstTime`
    /// through `lastTime` for every process.
    case lost(firstTime: Int64, lastTime: Int64)
    /// A record type this version does not know (skipped).
    case unknown(type: UInt8, length: Int)
}
