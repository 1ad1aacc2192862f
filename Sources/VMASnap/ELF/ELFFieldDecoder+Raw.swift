extension ELFFieldDecoder {
    // The same fields read from raw memory, for tables of thousands of
    // entries (symbol tables): unaligned loads, no per-byte loop.

    func u16(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        let value = bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value)
    }

    func u32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        let value = bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: value) : UInt32(littleEndian: value)
    }

    func u64(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        let value = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: value) : UInt64(littleEndian: value)
    }

    func word(_ bytes: UnsafeRawBufferPointer, _ at: Int, is64: Bool) -> UInt64 {
        is64 ? u64(bytes, at) : UInt64(u32(bytes, at))
    }
}
