extension TimeText {
    /// "2025-11-29T00:00:00.100000000Z" (ISO 8601, UTC) for CLOCK_REALTIME
    /// nanoseconds: a recording's wall-clock times, from its reference pair.
    ///
    /// - Parameter nanoseconds: nanoseconds since 1970-01-01T00:00:00Z.
    /// - Returns: the date and time, to the nanosecond, in the proleptic
    ///   Gregorian calendar (no leap seconds, as CLOCK_REALTIME counts).
    public static func utc(realtime nanoseconds: Int64) -> String {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000_000
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60)).\(Decimal.padded(UInt64(fraction), digits: 9))Z"
    }

    /// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's
    /// civil_from_days: eras of 400 years, years starting in March).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
