/// The symbols of one address: its frames, or why there are none.
public struct Symbolization: Hashable, Sendable {
    /// The out-of-line function's frame (the function that was compiled,
    /// with the offset into it); nil when `missing` says why there is none.
    /// Its `function` is nil when the right file was read but no symbol
    /// covers the address ("??").
    public var function: SymbolizedFrame?
    /// The inlined frames at the address, innermost first (empty without
    /// DWARF or inlining).
    public var inlined: [SymbolizedFrame]
    /// Why there are no symbols, when there are none.
    public var missing: NoSymbolsReason?
    /// Whether DWARF (or a stored line table) was consulted: when false,
    /// files and lines are unknown rather than absent, and inlined frames
    /// are not listed.
    public var hasSourceInformation: Bool

    /// Creates a symbolization from its frames, inlined ones first and the
    /// out-of-line function last.
    public init(frames: [SymbolizedFrame], missing: NoSymbolsReason?, hasSourceInformation: Bool) {
        self.function = frames.last
        self.inlined = Array(frames.dropLast())
        self.missing = missing
        self.hasSourceInformation = hasSourceInformation
    }

    /// Creates a symbolization of one out-of-line frame (no allocation).
    public init(function: SymbolizedFrame, hasSourceInformation: Bool) {
        self.function = function
        self.inlined = []
        self.missing = nil
        self.hasSourceInformation = hasSourceInformation
    }

    /// No symbols, for `reason`.
    public static func unavailable(_ reason: NoSymbolsReason) -> Symbolization {
        Symbolization(frames: [], missing: reason, hasSourceInformation: false)
    }

    /// Every frame as llvm-symbolizer --inlines lists them: the inlined ones,
    /// innermost first, then the out-of-line function.
    public var frames: [SymbolizedFrame] { function.map { inlined + [$0] } ?? [] }
}
