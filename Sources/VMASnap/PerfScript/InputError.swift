/// A line of lookup input (perf script text or "PID TIME ADDRESS" lines)
/// that could not be understood: its number, what was wrong, and the start
/// of the line, escaped.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the line.
    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        /// A perf script sample line without a "SECONDS.NANOSECONDS:" field.
        case missingTime
        /// The field before the time is not "PID/TID" or "PID".
        case badProcessID
        /// A field that should be a hex address is not one.
        case badAddress
        /// A call-chain frame line (starting with a tab) before any sample line.
        case frameWithoutSample
        /// A "PID TIME ADDRESS" line with another number of fields.
        case wrongFieldCount(Int)
        /// A time that is not "SECONDS[.FRACTION]" or "+SECONDS[.FRACTION]".
        case badTime
        /// A line longer than `LineReader.maximumLineLength`.
        case lineTooLong
        /// A time that is not an integer of the unit named (`--time-unit`).
        case badIntegerTime(String)

        /// What the problem is, for a user.
        public var description: String {
            switch self {
            case .missingTime: return "no time field (SECONDS.NANOSECONDS:) in a perf script sample line"
            case .badProcessID: return "no PID/TID field before the time"
            case .badAddress: return "expected an address in hex"
            case .frameWithoutSample: return "a call-chain frame line before any sample line"
            case .wrongFieldCount(let count): return "expected 3 fields PID TIME ADDRESS, got \(count)"
            case .badTime: return "expected a time in seconds (SECONDS[.FRACTION] or +SECONDS)"
            case .lineTooLong: return "line longer than \(LineReader.maximumLineLength) bytes"
            case .badIntegerTime(let unit): return "expected a time in integer \(unit) (TIME or +TIME)"
            }
        }
    }

    /// The line number, from 1.
    public var line: Int
    /// What was wrong.
    public var problem: Problem
    /// The start of the line (at most 60 bytes), escaped for a terminal.
    public var excerpt: String

    /// Describes a bad line; `text` is cut to 60 bytes and escaped.
    public init<Bytes: Collection>(line: Int, problem: Problem, text: Bytes) where Bytes.Element == UInt8 {
        self.line = line
        self.problem = problem
        self.excerpt = TextEscaping.escape(Array(text.prefix(60)))
    }

    /// "line 12: expected an address in hex: "  1234/1234 12.5: zz"".
    public var description: String { "line \(line): \(problem): \"\(excerpt)\"" }
}
