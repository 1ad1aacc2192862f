import SystemPackage

/// Reading a small text file whole (/proc and /sys settings, tracefs ids
/// and formats), through the system-call table.
enum TextFile {
    /// The file's text (invalid UTF-8 repaired).
    static func read(_ path: String, system: SystemCalls) -> Result<String, Errno> {
        Result { () throws(Errno) in
            let file = try OwnedDescriptor.open(path, .readOnly, system: system)
            var bytes: [UInt8] = []
            let count = try file.readAll(into: &bytes)
            return String(decoding: bytes[0..<count], as: UTF8.self)
        }
    }
}
