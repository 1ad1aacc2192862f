/// What a capture's walks met: how often the process changed its mappings
/// while it was being walked, and what that cost.
///
/// A walk is a sequence of answers (PROCMAP_QUERY replies, or chunks of the
/// maps text), and the process keeps running between two of them. When
/// neighbouring VMAs merge or split in between, an answer can start before
/// the end of one already taken: the later answer is the newer truth. The
/// walk drops what it overlaps and, for the ioctl, asks again from the first
/// address dropped (a bounded number of times per walk), so a walk always
/// returns mappings in address order without overlaps, each of which was
/// the kernel's answer at some moment of the walk.
public struct WalkStatistics: Hashable, Sendable {
    /// Walks made.
    public var walks = 0
    /// Walks that met at least one change made while they ran.
    public var walksMeetingChanges = 0
    /// Answers that overlapped an answer taken earlier in the same walk.
    public var overlappingAnswers = 0
    /// Times a walk went back to ask again from an address it had passed.
    public var restarts = 0
    /// Walks whose restarts ran out: the newer answer was kept and the walk
    /// went on from it, so a mapping split off below it and still there may
    /// be missing until the next walk.
    public var walksOutOfRestarts = 0

    /// No walks yet.
    public init() {}

    /// The sum of two counts.
    public static func + (left: WalkStatistics, right: WalkStatistics) -> WalkStatistics {
        var sum = left
        sum.walks += right.walks
        sum.walksMeetingChanges += right.walksMeetingChanges
        sum.overlappingAnswers += right.overlappingAnswers
        sum.restarts += right.restarts
        sum.walksOutOfRestarts += right.walksOutOfRestarts
        return sum
    }

    /// The counts since `earlier` (the same capture's statistics before).
    public func since(_ earlier: WalkStatistics) -> WalkStatistics {
        var difference = self
        difference.walks -= earlier.walks
        difference.walksMeetingChanges -= earlier.walksMeetingChanges
        difference.overlappingAnswers -= earlier.overlappingAnswers
        difference.restarts -= earlier.restarts
        difference.walksOutOfRestarts -= earlier.walksOutOfRestarts
        return difference
    }
}
