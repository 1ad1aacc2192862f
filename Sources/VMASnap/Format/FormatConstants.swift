import CZstd

/// The constants and limits of format version 2 (and what it reads of version 1).
enum FormatConstants {
    /// True in a fuzzing build (Scripts/fuzz defines
    /// FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION): checksums are not enforced.
    #if FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    static let fuzzing = true
    #else
    static let fuzzing = false
    #endif

    /// The first 8 bytes of every recording.
    static let magic: [UInt8] = Array("VMASNAP".utf8) + [0]
    /// The last 8 bytes of a finished recording.
    static let footerMagic: [UInt8] = Array("VMASNEND".utf8)
    /// The major version written (2.0: the FORK record).
    static let majorVersion: UInt16 = 2
    /// The minor version written.
    static let minorVersion: UInt16 = 0
    /// The major versions read: every minor of 1 and 2 (§7).
    static let readableMajorVersions: ClosedRange<UInt16> = 1...2
    /// The most FORKs a reading follows to find a set, and so the deepest
    /// FORK a file may hold (§3.3.1): the writer writes a KEYFRAME instead.
    static let maximumForkDepth = 8
    /// Bytes of the footer.
    static let footerLength = 24
    /// Bytes before the header body: magic, major, minor, body length.
    static let headerPrefixLength = 16
    /// The largest header body accepted.
    static let maximumHeaderBodyLength = 1 << 20
    /// The largest decoded frame payload written or accepted.
    static let maximumDecodedLength = 64 << 20
    /// The largest stored (compressed) payload accepted: zstd's bound for the
    /// largest decoded payload.
    static let maximumStoredLength = Int(ZSTD_compressBound(maximumDecodedLength))
    /// Payloads shorter than this are always stored: zstd's frame overhead
    /// would outweigh any gain.
    static let minimumCompressedLength = 64
    /// The zstd level the writer uses.
    static let compressionLevel: Int32 = 3
    /// Addresses, sizes and offsets of mappings are stored in pages of this many bytes.
    static let pageUnit: UInt64 = 4096
    /// Default flush interval: 1 s.
    static let defaultFlushInterval: Int64 = 1_000_000_000
    /// Default keyframe interval: 30 s.
    static let defaultKeyframeInterval: Int64 = 30_000_000_000
    /// The most rounds a recording may hold (a round every millisecond for
    /// 34 years), so that no count of snapshots can overflow.
    static let maximumRounds: UInt64 = 1 << 40
    /// Records frames hold record types below this one, the index frame this one and up (§3).
    static let firstIndexRecordType: UInt8 = 0x40
    /// A records buffer larger than this is flushed at the end of the round.
    static let flushThreshold = 1 << 20
    /// The longest stored symbol table (SYMBOLS, decoded) a reader accepts: 1 GiB.
    static let maximumSymbolTableLength: UInt64 = 1 << 30
}
