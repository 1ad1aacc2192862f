import SystemPackage

extension Errno {
    /// The symbolic name, such as "ENOENT", for every errno Linux defines;
    /// nil for a number it does not.
    public var symbol: String? { Errno.symbols[rawValue] }
}
