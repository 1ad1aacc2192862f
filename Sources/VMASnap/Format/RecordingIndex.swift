/// Where things are in a recording: what the index frame holds, and what a
/// reader rebuilds by scanning the frames when it is missing. Times are
/// nanoseconds after the header's start.
struct RecordingIndex: Hashable, Sendable {
    /// One records frame.
    struct Frame: Hashable, Sendable {
        /// The file offset of the frame's first byte.
        var offset: UInt64
        /// The time of the first round it holds (0 if none).
        var firstTime: UInt64
        /// The time of the last round it holds (0 if none).
        var lastTime: UInt64
    }

    /// A keyframe of a process: in which frame, at which round time.
    struct Keyframe: Hashable, Sendable {
        var frame: Int
        var time: UInt64
    }

    /// What the recording holds about one process.
    struct Process: Hashable, Sendable {
        /// The frame of its PROCESS record.
        var firstFrame: Int
        /// The last frame with a record of it.
        var lastFrame: Int
        /// The time of its first snapshot (0 if none).
        var firstTime: UInt64 = 0
        /// The time of its last snapshot, unchanged ones included (0 if none).
        var lastTime: UInt64 = 0
        /// When it was found gone.
        var goneTime: UInt64?
        /// Its snapshots, unchanged ones included.
        var snapshotCount: UInt64 = 0
        /// Its keyframes in file order.
        var keyframes: [Keyframe] = []
    }

    /// Totals.
    struct Summary: Hashable, Sendable {
        var rounds: UInt64 = 0
        var snapshots: UInt64 = 0
        var records: UInt64 = 0
        var decodedBytes: UInt64 = 0
        var recordsFrames: UInt64 = 0
        /// The first round's time (0 without rounds).
        var firstTime: UInt64 = 0
        /// The last round's time (0 without rounds).
        var lastTime: UInt64 = 0
    }

    /// Every records frame, in file order.
    var frames: [Frame] = []
    /// The numbers of the frames that hold PATH, BUILD_ID, FILE or PROCESS records.
    var definitionFrames: [Int] = []
    /// Every process, by process number.
    var processes: [Process] = []
    /// Totals.
    var summary = Summary()
    /// The LOST records' windows, in file order (format 1.2: LOST_WINDOWS).
    var lossWindows: [LossWindow] = []
}
