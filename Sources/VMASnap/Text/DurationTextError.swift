/// A duration on the command line that does not parse.
public struct DurationTextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public enum Reason: Hashable, Sendable {
        /// It does not start with a decimal number.
        case notANumber
        /// A number without a unit.
        case missingUnit
        /// A unit other than ns, us, ms, s, m and h.
        case unknownUnit
        /// More than `DurationText.maximum` (100 years).
        case tooLarge
        /// A fraction of a nanosecond, such as "1.5ns".
        case finerThanNanosecond
    }

    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var reason: Reason

    /// Creates an error for `text`.
    public init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    /// One line: "invalid duration '5': ...".
    public var description: String {
        let why: String
        switch reason {
        case .notANumber: why = "expected a number and a unit"
        case .missingUnit: why = "a unit is needed"
        case .unknownUnit: why = "unknown unit"
        case .tooLarge: why = "too large (at most 100 years)"
        case .finerThanNanosecond: why = "finer than a nanosecond"
        }
        return "invalid duration '\(TextEscaping.escape(text))': \(why) (such as 1ms, 250ms, 2s, 1.5s or 1m; units ns, us, ms, s, m, h)"
    }
}
