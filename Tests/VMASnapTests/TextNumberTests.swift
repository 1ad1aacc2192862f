import Testing
@testable import VMASnap

/// Hex and Decimal write digits straight into memory (perf-resolve's and
/// lookup's output): the same digits as Swift's own formatting, at the
/// edges of every width.
@Suite struct TextNumberTests {
    static let values: [UInt64] = [0, 1, 9, 10, 15, 16, 99, 100, 255, 256, 999_999_999, 1_000_000_000, 0xdead_beef,
                                   UInt64(Int64.max), UInt64(Int64.max) + 1, .max - 1, .max]
        + (0..<64).map { UInt64(1) << $0 } + (1..<20).map { (0..<$0).reduce(UInt64(1)) { p, _ in p * 10 } - 1 }

    static func written(_ capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) -> String {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let count = body(buffer)
        #expect(count <= capacity)
        return String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
    }

    @Test func digitsAsSwiftPrintsThem() {
        for value in Self.values {
            #expect(Self.written(Hex.maximumDigits) { Hex.write(value, to: $0) } == String(value, radix: 16))
            #expect(Self.written(Decimal.maximumDigits) { Decimal.write(value, to: $0) } == String(value))
            var bytes: [UInt8] = []
            Hex.append(value, to: &bytes)
            Decimal.append(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value, radix: 16) + String(value))
            let signed = Int64(truncatingIfNeeded: value)
            #expect(Self.written(Decimal.maximumSignedLength) { Decimal.write(signed, to: $0) } == String(signed))
        }
        #expect(Self.written(16) { Hex.write(0xab, minimumDigits: 8, to: $0) } == "000000ab")
        #expect(Self.written(20) { Decimal.write(45, minimumDigits: 9, to: $0) } == "000000045")
    }

    @Test func secondsWithNineDecimals() {
        for nanoseconds: Int64 in [0, 1, -1, 999_999_999, 1_000_000_000, -1_500_000_000, 12_368_014_503_658, .max, .min] {
            let text = Self.written(Decimal.maximumSecondsLength) { Decimal.writeSeconds(nanoseconds: nanoseconds, to: $0) }
            #expect(text == Decimal.seconds(nanoseconds: nanoseconds))
            var bytes: [UInt8] = []
            Decimal.appendSeconds(nanoseconds: nanoseconds, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == text)
        }
        #expect(Decimal.seconds(nanoseconds: -1_500_000_000) == "-1.500000000")
        #expect(Decimal.seconds(nanoseconds: .min) == "-9223372036.854775808")
        #expect(Decimal.seconds(nanoseconds: 12_368_014_503_658) == "12368.014503658")
    }
}
