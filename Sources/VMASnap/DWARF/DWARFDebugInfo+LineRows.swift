import CDW

extension DWARFDebugInfo {
    /// Every row of every compilation unit's line table, as `location(at:)`
    /// reads them (sequence ends included), for storing lines with a symbol
    /// table: the file names as paths, each once, and the rows in address
    /// order.
    ///
    /// - Returns: The files and rows.
    public func lineRows() -> (files: [[UInt8]], rows: [(address: UInt64, file: Int?, line: Int)]) {
        var files: [[UInt8]] = []
        var fileNumbers: [[UInt8]: Int] = [:]
        var rows: [(address: UInt64, file: Int?, line: Int)] = []
        forEachCodeUnit { die in
            let index = unitIndex(of: &die)
            let naming = pathNaming(of: &die)
            for row in index.rows {
                guard row.line >= 0, let line = dwarf_onesrcline(index.lines, row.line) else {
                    rows.append((row.address, nil, 0))
                    continue
                }
                var number: Int32 = 0
                _ = dwarf_lineno(line, &number)
                var file: Int?
                if let name = dwarf_linesrc(line, nil, nil) {
                    let path = naming(name)
                    if let known = fileNumbers[path] {
                        file = known
                    } else {
                        fileNumbers[path] = files.count
                        file = files.count
                        files.append(path)
                    }
                }
                rows.append((row.address, file, Int(max(0, number))))
            }
        }
        rows.sort { $0.address < $1.address }
        return (files, rows)
    }
}
