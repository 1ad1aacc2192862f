/// One frame of the source-level answer for an address: a function and the
/// file and line in it, as llvm-symbolizer --inlines lists them.
///
/// For the innermost frame, the line is where the address is; for each frame
/// around an inlined call, it is the line of that call.
public struct DWARFFrame: Hashable, Sendable {
    /// The function's linkage (mangled) name when DWARF has one, else its
    /// name; nil when DWARF names neither. Raw bytes from the file.
    public var function: [UInt8]?
    /// The source file, an absolute path where the compilation directory
    /// makes it one; nil when unknown.
    public var file: [UInt8]?
    /// The line, from 1; 0 where the line table says "no line"; nil when unknown.
    public var line: Int?

    /// Creates a frame.
    public init(function: [UInt8]?, file: [UInt8]?, line: Int?) {
        self.function = function
        self.file = file
        self.line = line
    }
}
