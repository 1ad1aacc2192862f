/// Reads fixed-width ELF fields in the file's byte order. A field that does
/// not fit in the bytes reads as 0; callers check bounds first.
struct ELFFieldDecoder {
    let bigEndian: Bool

    func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = UInt32(bytes[at + (bigEndian ? index : 3 - index)])
            value = value << 8 | byte
        }
        return value
    }

    func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for index in 0..<8 {
            let byte = UInt64(bytes[at + (bigEndian ? index : 7 - index)])
            value = value << 8 | byte
        }
        return value
    }

    /// An address or size field: 8 bytes in ELF64, 4 in ELF32.
    func word(_ bytes: [UInt8], _ at: Int, is64: Bool) -> UInt64 {
        is64 ? u64(bytes, at) : UInt64(u32(bytes, at))
    }
}
