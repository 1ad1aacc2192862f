/// A process a recording follows: its capture, kept open between rounds,
/// and its number in the recording.
final class TrackedProcess {
    /// pid and start time.
    let identity: ProcessIdentity
    /// Its number in the recording.
    let number: Int
    /// The open capture; replaced after an exec().
    var capture: any MappingCapture {
        didSet { captureReplaced = true }
    }
    /// Whether `capture` was replaced since kernel events last looked at the
    /// process: a walk found an exec (and recorded it) first.
    var captureReplaced = false

    init(identity: ProcessIdentity, number: Int, capture: any MappingCapture) {
        self.identity = identity
        self.number = number
        self.capture = capture
    }
}
