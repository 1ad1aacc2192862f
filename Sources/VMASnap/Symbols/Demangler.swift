import CDemangle

/// Demangles symbol names with the toolchain's own demanglers: C++
/// (Itanium ABI, "_Z...") through libstdc++'s `__cxa_demangle`, Swift
/// ("$s...", "_T0...") through the Swift runtime's `swift_demangle`.
public enum Demangler {
    /// Longer names are left as they are: the demanglers recurse on
    /// nesting, and a name comes from an untrusted file.
    public static let lengthLimit = 1 << 14

    /// The demangled form of `name`.
    ///
    /// - Parameter name: A symbol name, raw bytes from a symbol table.
    /// - Returns: The demangled name, or nil when `name` is not a C++ or
    ///   Swift mangled name (or the demangler rejects it).
    public static func demangle(_ name: [UInt8]) -> [UInt8]? {
        guard name.count >= 2, name.count <= lengthLimit, !name.contains(0) else { return nil }
        let isCXX = name[0] == UInt8(ascii: "_") && name[1] == UInt8(ascii: "Z")
        guard isCXX || isSwift(name) else { return nil }
        var terminated = name
        terminated.append(0)
        let result: UnsafeMutablePointer<CChar>? = terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                isCXX ? vmasnap_demangle_cxx(text) : vmasnap_demangle_swift(text, name.count)
            }
        }
        guard let result else { return nil }
        defer { vmasnap_demangle_free(result) }
        var length = 0
        while result[length] != 0 { length += 1 }
        return result.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// Whether `name` starts like a Swift symbol: "$s", "$S", "$e", "_T0",
    /// or one of those after an underscore (Mach-O style).
    static func isSwift(_ name: [UInt8]) -> Bool {
        var start = 0
        if name.count > 3 && name[0] == UInt8(ascii: "_") && name[1] == UInt8(ascii: "$") { start = 1 }
        guard name.count >= start + 3 else { return false }
        let first = name[start], second = name[start + 1]
        if first == UInt8(ascii: "$") {
            return second == UInt8(ascii: "s") || second == UInt8(ascii: "S") || second == UInt8(ascii: "e")
        }
        return first == UInt8(ascii: "_") && second == UInt8(ascii: "T") && name[start + 2] == UInt8(ascii: "0")
    }
}
