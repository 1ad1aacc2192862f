extension AddressListParser {
    /// Parses a "PID TIME ADDRESS [ADDRESS...]" line: one address, or a
    /// sample's stack, leaf first, as BPF samplers print `ustack` raw.
    ///
    /// - Parameters:
    ///   - line: The line, without its newline.
    ///   - timeUnit: The unit of TIME (seconds by default).
    ///   - addresses: Filled with the line's addresses, leaf first.
    /// - Returns: The pid and time, or nil for a line to skip (empty, or a
    ///   "#" comment).
    /// - Throws: `InputError` naming the line when a field is not what it
    ///   should be.
    public mutating func parseStack(line: UnsafeBufferPointer<UInt8>, timeUnit: TimeUnit = .seconds,
                                    addresses: inout [UInt64]) throws -> (pid: Int32, time: LookupTime)? {
        lineNumber += 1
        addresses.removeAll(keepingCapacity: true)
        var fields = FieldScanner(line)
        guard let pidField = fields.next() else { return nil }
        if line[pidField.lowerBound] == UInt8(ascii: "#") { return nil }
        guard let timeField = fields.next(), fields.peek() != nil else {
            var counter = FieldScanner(line)
            throw InputError(line: lineNumber, problem: .wrongFieldCount(counter.count()), text: line)
        }
        guard let pid = PerfScriptParser.decimal(UnsafeBufferPointer(rebasing: line[pidField])) else {
            throw InputError(line: lineNumber, problem: .badProcessID, text: line)
        }
        guard let time = timeUnit.parse(UnsafeBufferPointer(rebasing: line[timeField])) else {
            throw InputError(line: lineNumber, problem: timeUnit == .seconds ? .badTime : .badIntegerTime(timeUnit.rawValue), text: line)
        }
        while let field = fields.next() {
            guard let address = Hex.parseAddress(UnsafeBufferPointer(rebasing: line[field])) else {
                throw InputError(line: lineNumber, problem: .badAddress, text: line)
            }
            addresses.append(address)
        }
        return (pid, time)
    }
}
