import Testing
@testable import VMASnap

@Suite struct VarintTests {
    @Test func roundTripsBoundaries() throws {
        let values: [UInt64] = [0, 1, 127, 128, 255, 16383, 16384, 1 << 35, UInt64(Int64.max), UInt64.max - 1, UInt64.max]
        var encoder = ByteEncoder()
        for value in values { encoder.varint(value) }
        var decoder = ByteDecoder(encoder.bytes, origin: .file(100))
        for value in values {
            let before = decoder.position
            #expect(try decoder.varint("v") == value)
            #expect(decoder.position - before == ByteEncoder.varintLength(value))
        }
        #expect(decoder.isAtEnd)
        #expect(ByteEncoder.varintLength(UInt64.max) == 10)
    }

    @Test func rejectsOverlongOverflowingAndCutVarints() {
        let overlong: [UInt8] = Array(repeating: 0x80, count: 10) + [0x01]
        let overflowing: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x02]
        let cut: [UInt8] = [0x80, 0x80]
        for (bytes, expected) in [
            (overlong, FormatError.Reason.varintTooLong("v")),
            (overflowing, .varintOverflow("v")),
            (cut, .truncated("v")),
        ] {
            var decoder = ByteDecoder(bytes, origin: .file(1000))
            #expect(throws: FormatError(offset: 1000, reason: expected)) { try decoder.varint("v") }
        }
    }
}
