/// One function of a symbolized address, as llvm-symbolizer --inlines
/// lists them: the inlined functions first (innermost first), the function
/// that was compiled out of line last.
public struct SymbolizedFrame: Hashable, Sendable {
    /// The function's name (demangled unless the symbolizer was told not
    /// to); nil when neither the symbol table nor DWARF names one. Raw bytes
    /// from the file: print them through `TextEscaping` or `JSONWriter`.
    public var function: [UInt8]?
    /// The offset of the address from the function's start; only on the
    /// out-of-line frame, when its start is known.
    public var offset: UInt64?
    /// The source file; nil without DWARF.
    public var file: [UInt8]?
    /// The line in it (0 where DWARF says "no line"); nil without DWARF.
    public var line: Int?
    /// Whether the function was inlined into the next frame.
    public var isInlined: Bool

    /// Creates a frame.
    public init(function: [UInt8]?, offset: UInt64?, file: [UInt8]?, line: Int?, isInlined: Bool) {
        self.function = function
        self.offset = offset
        self.file = file
        self.line = line
        self.isInlined = isInlined
    }
}
