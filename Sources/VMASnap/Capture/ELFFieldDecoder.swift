/// Reads fixed-width ELF fields in the file's byte order. Callers check bounds first.
struct ELFFieldDecoder {
    let bigEndian: Bool

    func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at + 2 <= bytes.count else { return 0 }
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at + 4 <= bytes.count else { return 0 }
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = UInt32(bytes[at + (bigEndian ? index : 3 - index)])
            value = value << 8 | byte
        }
        return value
    }

    func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at + 8 <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for index in 0..<8 {
            let byte = UInt64(bytes[at + (bigEndian ? index : 7 - index)])
            value = value << 8 | byte
        }
        return value
    }
}
