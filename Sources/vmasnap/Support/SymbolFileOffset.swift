import VMASnap

/// A place in a symbol file: the key of the formatted-answer caches of
/// `SymbolPrinter` and `FoldedStacks`.
struct SymbolFileOffset: Hashable {
    var file: ObjectIdentifier
    var fileOffset: UInt64

    init(_ file: SymbolFile, _ fileOffset: UInt64) {
        self.file = ObjectIdentifier(file)
        self.fileOffset = fileOffset
    }
}
