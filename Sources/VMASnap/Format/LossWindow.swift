/// A time window in which kernel events may be missing for every process of
/// the recording (a LOST record, format 1.2, Formats/vmasnap.md §3.7): a
/// change a kernel event dated inside it is read as found by a walk.
/// Times are nanoseconds after the header's start, both ends included.
struct LossWindow: Hashable, Sendable {
    var first: UInt64
    var last: UInt64

    /// Whether `time` is in any of `windows` (both ends included).
    static func contains(_ windows: [LossWindow], _ time: UInt64) -> Bool {
        windows.contains { $0.first <= time && time <= $0.last }
    }
}
