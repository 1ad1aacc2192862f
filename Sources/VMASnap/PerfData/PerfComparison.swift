/// The recording's answers set beside perf's own (`perf-resolve --compare`):
/// for every user-space frame, whether both name the same file and file
/// offset, and where they do not, why.
public struct PerfComparison: Sendable {
    /// What perf's records say of a frame, in three kinds.
    public enum PerfKind: Int, CaseIterable, Sendable {
        /// A file mapping, and the recording names the same file and offset.
        case same
        /// A file mapping, and the recording names another, or none.
        case otherFile
        /// No file mapping (none at all, or "//anon", "[vdso]", ...).
        case noFile
    }

    /// Why the two disagree about a frame.
    public enum Cause: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        /// The recording says exact, perf names another file or offset.
        case exactDisagrees
        /// The mapping changed between the two snapshots around the sample:
        /// the recording answers from one side and says so.
        case changedBetweenSnapshots
        /// perf has a file mapping there; the recording's snapshots had none.
        case unmappedInRecording
        /// The sample is before the recording's first snapshot of the process.
        case beforeFirstSnapshot
        /// The sample is after the recording found the process gone.
        case afterExit
        /// The recording never saw the process.
        case unknownProcess
        /// The recording has a file mapping there; perf's records have none.
        case perfHasNoRecord

        /// The explanation printed with the count.
        public var description: String {
            switch self {
            case .exactDisagrees:
                return "the recording's snapshots before and after the sample agree, perf's records do not: "
                    + "perf lost records, or its start-up synthesis missed the mapping (or the clocks disagree)"
            case .changedBetweenSnapshots:
                return "the library at this address changed between the two snapshots around the sample: the recording "
                    + "answers from the nearer side and flags it (loaded-between, unloaded-between)"
            case .unmappedInRecording:
                return "the recording's snapshots show nothing mapped there: the library was unloaded before the sample "
                    + "(perf never learns of unloads) or lived between two snapshots"
            case .beforeFirstSnapshot:
                return "the sample is before the recording's first snapshot of the process (it started between two rounds, "
                    + "or before the recording)"
            case .afterExit:
                return "the sample is after the recording found the process gone"
            case .unknownProcess:
                return "the recording never saw the process (it lived less than a round, or was not recorded)"
            case .perfHasNoRecord:
                return "perf's records have no file mapping there (its start-up synthesis timed out or missed it, "
                    + "or records were lost); the recording has"
            }
        }

        /// A short name for JSON.
        public var name: String {
            switch self {
            case .exactDisagrees: return "exact-disagrees"
            case .changedBetweenSnapshots: return "changed-between-snapshots"
            case .unmappedInRecording: return "unmapped-in-recording"
            case .beforeFirstSnapshot: return "before-first-snapshot"
            case .afterExit: return "after-exit"
            case .unknownProcess: return "unknown-pid"
            case .perfHasNoRecord: return "perf-has-no-record"
            }
        }
    }

    /// One frame where they disagree.
    public struct Difference: Hashable, Sendable {
        /// The sample's process, thread and perf time.
        public var pid: Int32, tid: Int32, time: UInt64
        /// The time looked up.
        public var recordingTime: Int64
        /// The frame's position (0 = the ip).
        public var frame: Int
        /// The frame's address.
        public var address: UInt64
        /// The recording's answer.
        public var status: ResolutionStatus
        /// The recording's file and offset, if it has one.
        public var path: MappedPath?
        /// The file offset in `path`.
        public var offset: UInt64?
        /// perf's file and offset, if it has one.
        public var perfPath: [UInt8]?
        /// The file offset in `perfPath`.
        public var perfOffset: UInt64?
        /// Why.
        public var cause: Cause
    }

    /// Frames by the recording's status (`ResolutionStatus.rawValue`) and perf's kind.
    public private(set) var frames = [[Int]](repeating: [Int](repeating: 0, count: PerfKind.allCases.count),
                                             count: ResolutionStatus.allCases.count)
    /// Frames outside user space, not compared.
    public private(set) var kernelFrames = 0
    /// Differing frames by cause.
    public private(set) var causes = [Int](repeating: 0, count: Cause.allCases.count)
    /// The differing frames of the first samples that have any.
    public private(set) var firstDifferences: [Difference] = []
    /// Samples with a differing frame.
    public private(set) var differingSamples = 0
    /// How many samples' differences to keep.
    public let sampleLimit: Int

    /// A comparison that keeps the differences of the first `sampleLimit` samples that have any.
    public init(sampleLimit: Int = 10) {
        self.sampleLimit = sampleLimit
    }

    /// User-space frames perf attributes to a file mapping.
    public var perfFileFrames: Int { frames.reduce(0) { $0 + $1[PerfKind.same.rawValue] + $1[PerfKind.otherFile.rawValue] } }
    /// Of those, the ones the recording resolves to the same file and offset.
    public var sameFrames: Int { frames.reduce(0) { $0 + $1[PerfKind.same.rawValue] } }
    /// The frames that differ.
    public var differentFrames: Int { causes.reduce(0, +) }

    /// Sets one sample's answers beside perf's.
    ///
    /// - Parameters:
    ///   - sample: a sample resolved with `PerfSampleResolver.compare` set.
    ///   - index: the index it was resolved against.
    ///   - view: the resolver's `perfView`.
    public mutating func add(_ sample: PerfResolvedSample, index: AddressIndex, view: PerfMappingView) {
        add(sample, mapping: index.mapping(of:), view: view)
    }

    /// Sets one sample's answers beside perf's (resolved against a loading index).
    ///
    /// - Parameters:
    ///   - sample: a sample resolved with `PerfSampleResolver.compare` set.
    ///   - index: the index it was resolved against.
    ///   - view: the resolver's `perfView`.
    public mutating func add(_ sample: PerfResolvedSample, index: LoadingAddressIndex, view: PerfMappingView) {
        add(sample, mapping: index.mapping(of:), view: view)
    }

    private mutating func add(_ sample: PerfResolvedSample, mapping mappingOf: (Resolution) -> ExecutableMapping?, view: PerfMappingView) {
        guard let answers = sample.perfAnswers else { return }
        var differs = false
        for (position, frame) in sample.frames.enumerated() {
            let status = frame.resolution.status
            let answer = answers[position]
            if case .kernel = answer {
                kernelFrames += 1
                continue
            }
            let mapping = mappingOf(frame.resolution)
            let offset = frame.resolution.fileOffset ?? mapping.map { $0.fileOffset(of: frame.address) }
            var cause: Cause?
            var perfPath: [UInt8]?
            var perfOffset: UInt64?
            switch answer {
            case .file(let path, let fileOffset, _):
                perfPath = view.paths[Int(path)]
                perfOffset = fileOffset
                if let mapping, PerfComparison.samePath(mapping.path, perfPath!), offset == fileOffset {
                    frames[Int(status.rawValue)][PerfKind.same.rawValue] += 1
                    continue
                }
                frames[Int(status.rawValue)][PerfKind.otherFile.rawValue] += 1
                switch status {
                case .exact: cause = .exactDisagrees
                case .loadedBetween, .unloadedBetween: cause = .changedBetweenSnapshots
                case .beforeFirstSnapshot: cause = .beforeFirstSnapshot
                case .afterExit: cause = .afterExit
                case .unknownPID: cause = .unknownProcess
                default: cause = .unmappedInRecording
                }
            case .notFile, .none:
                frames[Int(status.rawValue)][PerfKind.noFile.rawValue] += 1
                if mapping != nil { cause = .perfHasNoRecord }
            case .kernel:
                break
            }
            guard let cause else { continue }
            causes[cause.rawValue] += 1
            if !differs {
                differs = true
                differingSamples += 1
            }
            if differingSamples <= sampleLimit {
                firstDifferences.append(Difference(
                    pid: sample.pid, tid: sample.tid, time: sample.time, recordingTime: sample.recordingTime, frame: position,
                    address: frame.address, status: status, path: mapping?.path, offset: mapping == nil ? nil : offset,
                    perfPath: perfPath, perfOffset: perfOffset, cause: cause))
            }
        }
    }

    /// The same file, allowing for the " (deleted)" the kernel appends to
    /// the name of a file unlinked after it was mapped.
    static func samePath(_ recorded: MappedPath, _ perf: [UInt8]) -> Bool {
        if recorded.bytes == perf { return true }
        return recorded.isDeleted && recorded.bytes.dropLast(MappedPath.deletedSuffix.count).elementsEqual(perf)
    }
}
