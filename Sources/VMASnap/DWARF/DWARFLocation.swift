/// What DWARF says about one address: the chain of functions that contain
/// it, innermost (inlined) first, ending with the function that was compiled
/// out of line.
public struct DWARFLocation: Hashable, Sendable {
    /// The frames, innermost first; never empty.
    public var frames: [DWARFFrame]
    /// The lowest address of the out-of-line function (its DW_AT_low_pc),
    /// when known: where its offset counts from if no symbol names it.
    public var functionStart: UInt64?

    /// Creates a location.
    public init(frames: [DWARFFrame], functionStart: UInt64?) {
        self.frames = frames
        self.functionStart = functionStart
    }
}
