/// Makes bytes that a target process chose (file names, comm, region names)
/// safe to print on one line of a terminal.
///
/// A crafted file name must neither forge output lines nor send escape
/// sequences to the terminal, so: `\n`, `\t`, `\r` and `\\` become those two
/// characters; every other C0 or C1 control character, DEL and every byte that
/// is not part of valid UTF-8 become `\xNN`. Spaces are kept: maps paths
/// contain them and the path is always the last field of a line.
public enum TextEscaping {
    /// The escaped form of `bytes`.
    public static func escape(_ bytes: [UInt8]) -> String {
        if !needsEscaping(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                let length = UTF8Validation.sequenceLength(bytes, at: index)
                if length > 0 && !UTF8Validation.isC1Control(bytes, at: index, length: length) {
                    output.append(contentsOf: bytes[index..<index + length])
                    index += length
                } else {
                    appendEscape(byte, to: &output)
                    index += 1
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\n"): output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case UInt8(ascii: "\t"): output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case UInt8(ascii: "\r"): output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0..<0x20, 0x7F: appendEscape(byte, to: &output)
            default: output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The escaped form of a String's UTF-8.
    public static func escape(_ string: String) -> String { escape(Array(string.utf8)) }

    /// `text` made safe as one line without escaping it again: control
    /// characters (C0, DEL, C1) become `\xNN`, backslashes stay as they are.
    /// For messages whose untrusted parts their producer escaped already (an
    /// error's description), so that a name is escaped exactly once.
    public static func singleLine(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F {
                appendEscape(byte, to: &output)
            } else if byte >= 0x80, case let length = UTF8Validation.sequenceLength(bytes, at: index), length > 0,
                UTF8Validation.isC1Control(bytes, at: index, length: length)
            {
                for offset in 0..<length { appendEscape(bytes[index + offset], to: &output) }
                index += length
                continue
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func needsEscaping(_ bytes: [UInt8]) -> Bool {
        for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == 0x5C { return true }
        return false
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "x")])
        Hex.append(byte: byte, to: &output)
    }
}
