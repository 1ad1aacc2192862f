/// Builds one JSON value as text, always valid JSON whatever the bytes.
///
/// A `string` is written as it is, with the escapes JSON requires, and
/// every control character escaped (C0, DEL and C1, such as `\u009b`, a
/// terminal's CSI), so that JSON printed on a terminal cannot drive it.
///
/// Raw bytes (`bytes`: paths and names a process chose, which need not be
/// UTF-8) are written as escaped text, so that any bytes, valid or not, give
/// a distinct string: a byte that is not part of valid UTF-8 is the four
/// characters `\xNN` (JSON `"\\xNN"`), and a backslash is two backslashes
/// (JSON `"\\\\"`); every other character is itself. Reading the string
/// back, `\\` is a backslash and `\xNN` the byte NN, so the byte 0xff and a
/// name that holds the text `\xff` never look the same. Every JSON parser
/// accepts the result (lone surrogate escapes such as `\udcff` would be
/// rejected by strict parsers, Foundation's among them).
public struct JSONWriter {
    /// The text built so far.
    public private(set) var text: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// An empty writer.
    public init() {}

    /// The text built so far, as a String.
    public var string: String { String(decoding: text, as: UTF8.self) }

    /// Opens an object; `key` names it when it is a member of an enclosing object.
    public mutating func beginObject(_ key: String? = nil) {
        separate(key)
        text.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        needsComma.removeLast()
        text.append(UInt8(ascii: "}"))
    }

    /// Opens an array; `key` names it when it is a member of an enclosing object.
    public mutating func beginArray(_ key: String? = nil) {
        separate(key)
        text.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        needsComma.removeLast()
        text.append(UInt8(ascii: "]"))
    }

    /// A string member or element.
    public mutating func string(_ key: String?, _ value: String?) {
        guard let value else { return null(key) }
        separate(key)
        appendString(Array(value.utf8))
    }

    /// A string member or element from raw bytes, as escaped text (see the
    /// type's notes: `\\` for a backslash, `\xNN` for a byte that is not
    /// part of valid UTF-8).
    public mutating func bytes(_ key: String?, _ value: [UInt8]?) {
        guard let value else { return null(key) }
        separate(key)
        appendString(value, raw: true)
    }

    /// An integer member or element.
    public mutating func integer<Value: BinaryInteger>(_ key: String?, _ value: Value?) {
        guard let value else { return null(key) }
        separate(key)
        if let value = Int64(exactly: value) {
            Decimal.append(value, to: &text)
        } else {
            text.append(contentsOf: String(value).utf8)
        }
    }

    /// A number member or element with a fixed number of decimals (times in seconds).
    public mutating func decimal(_ key: String?, _ value: Double?, places: Int = 9) {
        guard let value, value.isFinite else { return null(key) }
        separate(key)
        text.append(contentsOf: Decimal.format(value, places: places).utf8)
    }

    /// A number given as its exact decimal text, such as "12.000000450".
    public mutating func number(_ key: String?, literal: String) {
        separate(key)
        text.append(contentsOf: literal.utf8)
    }

    /// A boolean member or element.
    public mutating func bool(_ key: String?, _ value: Bool?) {
        guard let value else { return null(key) }
        separate(key)
        text.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A null member or element.
    public mutating func null(_ key: String?) {
        separate(key)
        text.append(contentsOf: "null".utf8)
    }

    private mutating func separate(_ key: String?) {
        if needsComma[needsComma.count - 1] { text.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if let key {
            appendString(Array(key.utf8))
            text.append(UInt8(ascii: ":"))
        }
    }

    /// `bytes` as a JSON string; `raw` bytes as escaped text (see the type's notes).
    private mutating func appendString(_ bytes: [UInt8], raw: Bool = false) {
        text.append(UInt8(ascii: "\""))
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                let length = UTF8Validation.sequenceLength(bytes, at: index)
                if length > 0 && UTF8Validation.isC1Control(bytes, at: index, length: length) {
                    // U+0080...U+009F: C2 80...C2 9F.
                    appendEscape(UInt16(bytes[index + 1]))
                    index += length
                } else if length > 0 {
                    text.append(contentsOf: bytes[index..<index + length])
                    index += length
                } else {
                    text.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "x")])
                    Hex.append(byte: byte, to: &text)
                    index += 1
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): text.append(contentsOf: [0x5C, UInt8(ascii: "\"")])
            case 0x5C: text.append(contentsOf: raw ? [0x5C, 0x5C, 0x5C, 0x5C] : [0x5C, 0x5C])
            case UInt8(ascii: "\n"): text.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): text.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): text.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F: appendEscape(UInt16(byte))
            default: text.append(byte)
            }
            index += 1
        }
        text.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ unit: UInt16) {
        text.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        Hex.append(UInt64(unit), minimumDigits: 4, to: &text)
    }
}
