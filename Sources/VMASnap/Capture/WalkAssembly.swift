/// The mappings of one walk, taken answer by answer, kept in address order
/// and without overlaps whatever the process does between two answers (see
/// `WalkStatistics`).
///
/// An answer that starts before the end of mappings already taken means
/// that they changed since (neighbours merged, a VMA was split and part of it
/// merged with the next): those are dropped, as the older view. If what was
/// dropped began below the new answer, there may be a mapping left there
/// that the walk has not seen, so the walk goes back to the first address
/// dropped and asks again, up to `restartLimit` times per walk; after that
/// it keeps the answer and goes on from its end. The address to ask next
/// never falls below the furthest end reached once restarts have run out,
/// so a walk always ends.
struct WalkAssembly {
    /// The mappings so far, in address order, not overlapping.
    private(set) var mappings: [ExecutableMapping]
    /// What this walk met.
    private(set) var statistics = WalkStatistics()
    private var restartsLeft: Int
    /// The furthest end of any answer taken.
    private var frontier: UInt64 = 0
    /// The address `take` returned last.
    private var asked: UInt64 = 0

    /// How often one walk may go back: enough for the changes a process
    /// makes during one walk at tens of thousands of maps a second.
    static let restartLimit = 64

    /// A walk that starts from `prefix` (mappings already known to be in
    /// order, from an unchanged part of the previous walk).
    init<Prefix: Collection>(prefix: Prefix, restartLimit: Int = WalkAssembly.restartLimit, capacity: Int = 0)
    where Prefix.Element == ExecutableMapping {
        mappings = Array(prefix)
        mappings.reserveCapacity(Swift.max(capacity, mappings.count + 4))
        restartsLeft = restartLimit
        frontier = mappings.last?.end ?? 0
        asked = frontier
        statistics.walks = 1
    }

    /// Takes the next answer; returns the address to ask about next.
    ///
    /// The kernel's answer for an address always ends above it, so the walk
    /// moves on; an answer that does not (a second query about a mapping
    /// that changed in between) counts as a restart, so that no sequence of
    /// changes keeps a walk going forever.
    mutating func take(_ mapping: ExecutableMapping) -> UInt64 {
        guard mapping.end > mapping.start else { return goBack(to: frontier) }
        if let last = mappings.last, mapping.start < last.end {
            if statistics.overlappingAnswers == 0 { statistics.walksMeetingChanges = 1 }
            statistics.overlappingAnswers += 1
            var lowestDropped = mapping.start
            while let last = mappings.last, last.end > mapping.start {
                lowestDropped = Swift.min(lowestDropped, last.start)
                mappings.removeLast()
            }
            // Something dropped began below the answer: what is left there now?
            if lowestDropped < mapping.start, restartsLeft > 0 { return goBack(to: lowestDropped) }
            if lowestDropped < mapping.start { statistics.walksOutOfRestarts = 1 }
        }
        mappings.append(mapping)
        frontier = Swift.max(frontier, mapping.end)
        if mapping.end <= asked { return goBack(to: mapping.end) }
        asked = restartsLeft > 0 ? mapping.end : frontier
        return asked
    }

    /// Asks again from `address`, below where the walk was, if a restart is
    /// left; from the frontier otherwise.
    private mutating func goBack(to address: UInt64) -> UInt64 {
        if restartsLeft > 0 {
            restartsLeft -= 1
            statistics.restarts += 1
            asked = address
        } else {
            statistics.walksOutOfRestarts = 1
            asked = frontier
        }
        return asked
    }
}
