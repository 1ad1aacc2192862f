import SystemPackage

/// Reads lines from a file descriptor in large chunks, without a String
/// or an allocation per line: lookups read millions of perf script lines.
public struct LineReader {
    /// The longest line accepted (without its newline); a longer one is an
    /// `InputError`, so that input without newlines cannot exhaust memory.
    public static let maximumLineLength = 1 << 16

    private let descriptor: FileDescriptor
    private let name: String
    private let system: SystemCalls

    /// A reader of `descriptor` (not owned: it is not closed), called `name` in errors.
    ///
    /// - Parameters:
    ///   - descriptor: where the lines come from, standard input by default.
    ///   - name: what errors call it.
    public init(descriptor: FileDescriptor = .standardInput, name: String = "standard input") {
        self.init(descriptor: descriptor, name: name, system: .live)
    }

    init(descriptor: FileDescriptor, name: String, system: SystemCalls) {
        self.descriptor = descriptor
        self.name = name
        self.system = system
    }

    /// Calls `body` with each line, without its newline (a final line
    /// without one included), and its number from 1. The bytes are valid
    /// only during the call.
    ///
    /// - Parameter body: takes each line and its number; what it throws ends the reading.
    /// - Throws: `SystemError` when reading fails, `InputError` for a line
    ///   longer than `maximumLineLength`, and what `body` throws.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: LineReader.maximumLineLength + chunk + 1)
        var filled = 0
        var lineNumber = 0
        var endOfInput = false
        while !endOfInput {
            let count = try buffer.withUnsafeMutableBytes { raw -> Int in
                do throws(Errno) {
                    return try system.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: raw[filled..<filled + chunk]))
                } catch {
                    throw SystemError(.read, name, error)
                }
            }
            if count == 0 { endOfInput = true }
            filled += count
            let consumed = try buffer.withUnsafeBufferPointer { all -> Int in
                var lineStart = 0
                var position = 0
                while position < filled {
                    if all[position] == UInt8(ascii: "\n") {
                        lineNumber += 1
                        try check(position - lineStart, lineNumber: lineNumber, all, lineStart)
                        try body(UnsafeBufferPointer(rebasing: all[lineStart..<position]), lineNumber)
                        lineStart = position + 1
                    }
                    position += 1
                }
                if endOfInput && lineStart < filled {
                    lineNumber += 1
                    try check(filled - lineStart, lineNumber: lineNumber, all, lineStart)
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<filled]), lineNumber)
                    lineStart = filled
                }
                if filled - lineStart > LineReader.maximumLineLength {
                    throw InputError(line: lineNumber + 1, problem: .lineTooLong, text: all[lineStart..<filled])
                }
                return lineStart
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    let remaining = filled - consumed
                    if remaining > 0 {
                        UnsafeMutableRawPointer(all.baseAddress!).copyMemory(
                            from: all.baseAddress! + consumed, byteCount: remaining)
                    }
                }
                filled -= consumed
            }
        }
    }

    private func check(_ length: Int, lineNumber: Int, _ all: UnsafeBufferPointer<UInt8>, _ start: Int) throws {
        if length > LineReader.maximumLineLength {
            throw InputError(line: lineNumber, problem: .lineTooLong, text: all[start..<start + 60])
        }
    }
}
