/// Strict UTF-8 decoding of one sequence at a time, for the escapers.
enum UTF8Validation {
    /// The length of the valid UTF-8 sequence starting at `index`, or 0 if the
    /// bytes there are not one (overlong forms, surrogates and values past
    /// U+10FFFF are invalid).
    static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(first & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(first & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(first & 0x07)
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return 0 }
        return length
    }

    /// The scalar of the valid sequence at `index` of `length` bytes.
    static func scalar(_ bytes: [UInt8], at index: Int, length: Int) -> UInt32 {
        if length == 1 { return UInt32(bytes[index]) }
        let masks: [UInt8] = [0, 0, 0x1F, 0x0F, 0x07]
        var scalar = UInt32(bytes[index] & masks[length])
        for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return scalar
    }

    /// Whether the sequence is a C1 control character (U+0080–U+009F), which
    /// some terminals obey as escape sequences (U+009B is CSI).
    static func isC1Control(_ bytes: [UInt8], at index: Int, length: Int) -> Bool {
        length == 2 && bytes[index] == 0xC2 && bytes[index + 1] < 0xA0
    }
}
