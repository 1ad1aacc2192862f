/// Fixed-point formatting of seconds, without Foundation.
enum Decimal {
    /// `value` with exactly `places` decimals, such as "12.000000450".
    static func format(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return String(value) }
        let units = UInt64(scaled)
        return (negative ? "-" : "") + fixed(units, places: places)
    }

    /// `nanoseconds` as seconds with nine decimals, exact.
    static func seconds(nanoseconds: Int64) -> String {
        let negative = nanoseconds < 0
        return (negative ? "-" : "") + fixed(nanoseconds.magnitude, places: 9)
    }

    private static func fixed(_ units: UInt64, places: Int) -> String {
        var divisor: UInt64 = 1
        for _ in 0..<places { divisor *= 10 }
        let whole = units / divisor
        guard places > 0 else { return String(whole) }
        var fraction = String(units % divisor)
        while fraction.count < places { fraction = "0" + fraction }
        return "\(whole).\(fraction)"
    }
}
