/// What dated a change of a process's mappings: the origin field of a
/// KEYFRAME or DELTA (format 1.2, Formats/vmasnap.md §3.3).
enum ChangeOrigin: UInt64, Hashable, Sendable {
    /// A walk found it: the change happened after the previous confirmation
    /// of the old set and at or before the record's time (§3.3's delay).
    case walk = 0
    /// A kernel event dated it: every change from the previous set took
    /// effect at exactly the record's time, and the previous set was in
    /// effect until then.
    case event = 1

    /// The origin a stored value means: values a later minor version may
    /// add are read as the least precise meaning, a walk's.
    init(stored: UInt64) {
        self = stored == ChangeOrigin.event.rawValue ? .event : .walk
    }
}
