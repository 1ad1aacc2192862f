/// The symbols of one address: its frames, or why there are none.
public struct Symbolization: Hashable, Sendable {
    /// The frames, inlined ones first, the out-of-line function last. Empty
    /// when `missing` says why; one frame with no function when the right
    /// file was read but no symbol covers the address ("??").
    public var frames: [SymbolizedFrame]
    /// Why there are no symbols, when there are none.
    public var missing: NoSymbolsReason?
    /// Whether DWARF was consulted: when false, files and lines are unknown
    /// rather than absent, and inlined frames are not listed.
    public var hasSourceInformation: Bool

    /// Creates a symbolization.
    public init(frames: [SymbolizedFrame], missing: NoSymbolsReason?, hasSourceInformation: Bool) {
        self.frames = frames
        self.missing = missing
        self.hasSourceInformation = hasSourceInformation
    }

    /// No symbols, for `reason`.
    public static func unavailable(_ reason: NoSymbolsReason) -> Symbolization {
        Symbolization(frames: [], missing: reason, hasSourceInformation: false)
    }

    /// The out-of-line function's frame (the last), if any.
    public var function: SymbolizedFrame? { frames.last }
    /// The inlined frames, innermost first.
    public var inlined: ArraySlice<SymbolizedFrame> { frames.dropLast() }
}
