/// The type byte of a record. Records frames hold types below 0x40; the
/// index frame holds 0x40 and up.
enum RecordType: UInt8 {
    case path = 0x01
    case buildID = 0x02
    case file = 0x03
    case process = 0x04
    case exec = 0x05
    case perfClock = 0x06
    case symbols = 0x07
    case recorderReport = 0x08
    case round = 0x10
    case quiet = 0x11
    case lost = 0x12
    case keyframe = 0x20
    case delta = 0x21
    case gone = 0x22
    /// Format 2.0: a child's first snapshot, its parent's set (§3.3.1).
    case fork = 0x23
    case frames = 0x40
    case definitions = 0x41
    case processIndex = 0x42
    case summary = 0x43
    case lostWindows = 0x44
}
