extension PerfEventAttribute {
    /// Field offsets in `struct perf_event_attr` and the size that first has each.
    enum Offset {
        static let type = 0, size = 4, config = 8, samplePeriod = 16, sampleType = 24, readFormat = 32
        static let flags = 40, wakeup = 48, breakpointType = 52, config1 = 56, config2 = 64
        static let branchSampleType = 72, sampleRegistersUser = 80, sampleStackUser = 88, clockID = 92
        static let sampleRegistersInterrupt = 96, auxWatermark = 104, sampleMaxStack = 108
        static let auxSampleSize = 112, signalData = 120, config3 = 128
    }

    /// Decodes the `bytes.count` bytes of an attribute written in `order`
    /// (a perf.data attribute section entry, a HEADER_ATTR record). Fields
    /// past the end of the bytes are 0, as the kernel treats a shorter
    /// attribute; bytes past the fields this type knows are ignored.
    ///
    /// The bit fields of a file of the other byte order are converted as
    /// perf does: their bytes stay in place and each byte's bits are reversed.
    ///
    /// - Throws: `PerfEventError.truncated` when fewer than 64 bytes (PERF_ATTR_SIZE_VER0) are given.
    public init(decoding raw: UnsafeRawBufferPointer, order: PerfByteOrder) throws {
        let bytes = PerfBytes(raw, order: order)
        guard bytes.count >= PerfEventAttribute.sizeVersion0 else {
            throw PerfEventError.truncated("a perf_event_attr", needed: PerfEventAttribute.sizeVersion0, available: bytes.count)
        }
        func u64(_ offset: Int) -> UInt64 { bytes.u64(offset) ?? 0 }
        func u32(_ offset: Int) -> UInt32 { bytes.u32(offset) ?? 0 }
        self.init(type: u32(Offset.type), config: u64(Offset.config), size: u32(Offset.size))
        samplePeriodOrFrequency = u64(Offset.samplePeriod)
        sampleType = PerfSampleType(rawValue: u64(Offset.sampleType))
        readFormat = PerfReadFormat(rawValue: u64(Offset.readFormat))
        var flagBits = raw.baseAddress!.loadUnaligned(fromByteOffset: Offset.flags, as: UInt64.self)
        if order != .littleEndian {
            // Bit fields are allocated from the most significant bit on a
            // big-endian machine: same bytes, bits reversed within each.
            flagBits = UInt64(bigEndian: flagBits)
            var converted: UInt64 = 0
            for byte in 0..<8 {
                let value = UInt8(truncatingIfNeeded: flagBits >> (56 - 8 * UInt64(byte)))
                converted |= UInt64(PerfEventAttribute.reversedBits(value)) << (8 * UInt64(byte))
            }
            flagBits = converted
        } else {
            flagBits = UInt64(littleEndian: flagBits)
        }
        flags = Flags(rawValue: flagBits)
        wakeupEventsOrWatermark = u32(Offset.wakeup)
        breakpointType = u32(Offset.breakpointType)
        config1 = u64(Offset.config1)
        config2 = u64(Offset.config2)
        branchSampleType = u64(Offset.branchSampleType)
        sampleRegistersUser = u64(Offset.sampleRegistersUser)
        sampleStackUser = u32(Offset.sampleStackUser)
        clockID = Int32(bitPattern: u32(Offset.clockID))
        sampleRegistersInterrupt = u64(Offset.sampleRegistersInterrupt)
        auxWatermark = u32(Offset.auxWatermark)
        sampleMaxStack = bytes.u16(Offset.sampleMaxStack) ?? 0
        auxSampleSize = u32(Offset.auxSampleSize)
        signalData = u64(Offset.signalData)
        config3 = u64(Offset.config3)
    }

    /// The kernel's `struct perf_event_attr` in this machine's byte order,
    /// `size` bytes long (the `size` field), for perf_event_open. Fields
    /// that do not fit a shorter size are left out; they must then be 0.
    public func encoded() -> [UInt8] {
        let length = Int(min(max(size, UInt32(PerfEventAttribute.sizeVersion0)), UInt32(PerfEventAttribute.sizeVersion8)))
        var bytes = [UInt8](repeating: 0, count: PerfEventAttribute.sizeVersion8)
        bytes.withUnsafeMutableBytes { raw in
            func put<Value: FixedWidthInteger>(_ value: Value, _ offset: Int) {
                raw.storeBytes(of: value, toByteOffset: offset, as: Value.self)
            }
            put(type, Offset.type)
            put(UInt32(length), Offset.size)
            put(config, Offset.config)
            put(samplePeriodOrFrequency, Offset.samplePeriod)
            put(sampleType.rawValue, Offset.sampleType)
            put(readFormat.rawValue, Offset.readFormat)
            if PerfByteOrder.native == .littleEndian {
                put(flags.rawValue, Offset.flags)
            } else {
                // The kernel's bit fields on a big-endian machine: see `init(decoding:order:)`.
                for byte in 0..<8 {
                    raw[Offset.flags + byte] = PerfEventAttribute.reversedBits(UInt8(truncatingIfNeeded: flags.rawValue >> (8 * UInt64(byte))))
                }
            }
            put(wakeupEventsOrWatermark, Offset.wakeup)
            put(breakpointType, Offset.breakpointType)
            put(config1, Offset.config1)
            put(config2, Offset.config2)
            put(branchSampleType, Offset.branchSampleType)
            put(sampleRegistersUser, Offset.sampleRegistersUser)
            put(sampleStackUser, Offset.sampleStackUser)
            put(clockID, Offset.clockID)
            put(sampleRegistersInterrupt, Offset.sampleRegistersInterrupt)
            put(auxWatermark, Offset.auxWatermark)
            put(sampleMaxStack, Offset.sampleMaxStack)
            put(auxSampleSize, Offset.auxSampleSize)
            put(signalData, Offset.signalData)
            put(config3, Offset.config3)
        }
        return Array(bytes.prefix(length))
    }

    /// `value` with its bit order reversed.
    static func reversedBits(_ value: UInt8) -> UInt8 {
        var input = value
        var output: UInt8 = 0
        for _ in 0..<8 {
            output = output << 1 | input & 1
            input >>= 1
        }
        return output
    }
}
