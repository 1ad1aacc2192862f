/// A process a recording follows: its capture, kept open between rounds,
/// and its number in the recording.
final class TrackedProcess {
    /// pid and start time.
    let identity: ProcessIdentity
    /// Its number in the recording.
    let number: Int
    /// The open capture; replaced after an exec().
    var capture: any MappingCapture
    /// When a walk that found an exec first (and recorded it) ended, until
    /// kernel events report an exec: one dated before it is the exec the
    /// walk found, one after it a later one. (A flag cleared by any event
    /// round lost that distinction: an exec read after an unrelated mmap
    /// was recorded a second time.)
    var execFoundByWalk: Int64?

    init(identity: ProcessIdentity, number: Int, capture: any MappingCapture) {
        self.identity = identity
        self.number = number
        self.capture = capture
    }
}
