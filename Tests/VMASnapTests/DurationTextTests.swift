import Testing
@testable import VMASnap

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("1ms", Int64(1_000_000)), ("250ms", 250_000_000), ("2s", 2_000_000_000), ("1.5s", 1_500_000_000),
        ("1m", 60_000_000_000), ("0.1s", 100_000_000), (".5s", 500_000_000), ("10us", 10_000),
        ("7ns", 7), ("1.000000001s", 1_000_000_001), ("2h", 7_200_000_000_000), ("1.50ms", 1_500_000),
    ])
    func parsesNumberAndUnit(text: String, nanoseconds: Int64) throws {
        #expect(try DurationText.parse(text) == nanoseconds)
    }

    @Test(arguments: [
        ("100", DurationTextError.Reason.missingUnit), ("ms", .notANumber), ("", .notANumber),
        ("5 s", .unknownUnit), ("1.s", .notANumber), ("1..5s", .notANumber), ("-1s", .notANumber),
        ("3d", .unknownUnit), ("1.5ns", .finerThanNanosecond), ("99999999999999999999s", .tooLarge),
        ("3000000h", .tooLarge),
    ])
    func rejectsWithAReason(text: String, reason: DurationTextError.Reason) {
        #expect(throws: DurationTextError(text: text, reason: reason)) { try DurationText.parse(text) }
    }

    @Test func errorIsOneLineNamingTheText() {
        let error = DurationTextError(text: "5\nx", reason: .missingUnit)
        #expect(error.description.hasPrefix("invalid duration '5\\nx': a unit is needed"))
        #expect(!error.description.contains("\n"))
    }

    @Test(arguments: [Int64(1_000_000), 250_000_000, 1_500_000_000, 60_000_000_000, 1_000, 7, 2_000_000_000, 90_000_000_000])
    func formatsWhatParseReadsBack(nanoseconds: Int64) throws {
        #expect(try DurationText.parse(DurationText.format(nanoseconds)) == nanoseconds)
    }
}
