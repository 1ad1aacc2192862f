/// One syscall tracepoint tracking uses: which call, entry or exit, the id
/// tracefs gives it on this kernel, and where its fields are in the raw data.
struct SyscallTracepoint: Hashable, Sendable {
    /// The calls traced.
    enum Call: String, CaseIterable, Hashable, Sendable {
        case munmap, mprotect, pkeyMprotect = "pkey_mprotect", mremap

        /// The argument fields its sys_enter tracepoint must have, in the
        /// order `SyscallTracepoint.arguments` returns them.
        var argumentNames: [String] {
            switch self {
            case .munmap: return ["addr", "len"]
            case .mprotect, .pkeyMprotect: return ["start", "len", "prot"]
            case .mremap: return ["addr", "old_len", "new_len", "flags", "new_addr"]
            }
        }
    }

    /// The call.
    var call: Call
    /// sys_enter (else sys_exit).
    var isEntry: Bool
    /// The tracepoint's id (its perf config; the raw data's common_type).
    var id: UInt64
    /// The byte offset and size of each field in the raw data: the
    /// arguments in `call.argumentNames` order for an entry, `ret` for an exit.
    var fields: [Field]

    /// A field of the raw data.
    struct Field: Hashable, Sendable {
        var offset: Int
        var size: Int
    }

    /// The tracefs event name: "sys_enter_munmap".
    var name: String { (isEntry ? "sys_enter_" : "sys_exit_") + call.rawValue }

    /// The field values of a sample's raw data, nil when it is too short.
    func values(_ raw: PerfBytes) -> [UInt64]? {
        var values: [UInt64] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            switch field.size {
            case 8: guard let value = raw.u64(field.offset) else { return nil }; values.append(value)
            case 4: guard let value = raw.u32(field.offset) else { return nil }; values.append(UInt64(value))
            default: return nil
            }
        }
        return values
    }

    /// The offsets of `names` in a tracefs `format` file's text: lines like
    /// "\tfield:unsigned long len;\toffset:24;\tsize:8;\tsigned:0;".
    static func fields(named names: [String], inFormat text: String) -> [Field]? {
        var found: [String: Field] = [:]
        for line in text.split(separator: "\n") {
            var name: Substring?
            var offset: Int?
            var size: Int?
            for part in line.split(separator: ";") {
                let item = part.drop(while: { $0 == " " || $0 == "\t" })
                if item.hasPrefix("field:") {
                    // The declaration's last word, without an array suffix.
                    name = item.split(separator: " ").last.map { $0.prefix(while: { $0 != "[" }) }
                } else if item.hasPrefix("offset:") {
                    offset = Int(item.dropFirst(7))
                } else if item.hasPrefix("size:") {
                    size = Int(item.dropFirst(5))
                }
            }
            if let name, let offset, let size { found[String(name)] = Field(offset: offset, size: size) }
        }
        var result: [Field] = []
        for name in names {
            guard let field = found[name] else { return nil }
            result.append(field)
        }
        return result
    }
}
