/// When the recorder reads its event buffers after one woke it: a short
/// window after the first record of a burst (the records of an exec, a
/// dlopen, come together), doubling while reads keep finding records, and
/// never so long that a buffer filling as fast as in the last window gets
/// over a quarter full. A quiet process costs no reads and no timer at all;
/// each read costs about the same whether it finds one record or hundreds.
struct EventDrainPacing {
    /// The window a burst starts with: 1 ms for 256 KiB buffers, in
    /// proportion for smaller ones, never under the finality margin (records
    /// younger than it wait for the next read anyway).
    let initialWindow: Int64
    /// The longest window: what the recorder's fixed drain timer was before.
    static let maximumWindow: Int64 = 20_000_000
    /// How full a buffer may get, as a share of its size, between two reads.
    static let targetFill = 0.25
    /// The window until the next read.
    private(set) var window: Int64

    /// The pacing of buffers of `bufferBytes` bytes each (the smallest, if they differ).
    init(bufferBytes: Int, finalityMargin: Int64) {
        let proportional = Int64(1_000_000 * (Double(bufferBytes) / Double(256 * 1024)))
        initialWindow = min(max(proportional, finalityMargin + 1, 1), EventDrainPacing.maximumWindow)
        window = initialWindow
    }

    /// A read found records, the fullest buffer `largestFill` full (0 to 1):
    /// the next window is twice this one, at most the maximum, and short
    /// enough for that rate to fill no buffer past `targetFill`.
    mutating func found(largestFill: Double) {
        var next = min(2 * window, EventDrainPacing.maximumWindow)
        if largestFill > 0 {
            next = min(next, Int64(Double(window) * EventDrainPacing.targetFill / largestFill))
        }
        window = max(initialWindow, next)
    }

    /// A read found nothing: the next burst starts with the initial window.
    mutating func quiet() {
        window = initialWindow
    }
}
