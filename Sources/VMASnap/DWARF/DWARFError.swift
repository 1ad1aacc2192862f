/// Why a file's DWARF could not be opened: libdw's error, or a missing
/// part. Files without DWARF are not an error for the symbolizer, which
/// then names functions from the symbol table alone.
public struct DWARFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// libdw's error number (dwarf_errno), 0 when the error is not libdw's.
    public var code: Int32
    /// libdw's message for it, or what was missing.
    public var message: String
    /// The file.
    public var path: String

    /// Describes an error opening `path`.
    public init(code: Int32, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// One line: "cannot read the DWARF of /x: no DWARF information".
    public var description: String { "cannot read the DWARF of \(path): \(message)" }
}
