import XCTest
@testable import VMASnap

/// perf's clock measured through a COMM record in a ring buffer (the same
/// reader as live tracking's).
final class PerfClockTests: XCTestCase {
    func testTwoMeasurementsAgreeOnTheOffset() throws {
        let first = try PerfClock.measure()
        let second = try PerfClock.measure()
        XCTAssertLessThan(first.uncertainty, 1_000_000)
        XCTAssertLessThan(second.uncertainty, 1_000_000)
        let drift = second.offset - first.offset
        XCTAssertLessThan(abs(drift), 1_000_000 + first.uncertainty + second.uncertainty)
        XCTAssertGreaterThan(second.recordingTime, first.recordingTime)
    }
}
