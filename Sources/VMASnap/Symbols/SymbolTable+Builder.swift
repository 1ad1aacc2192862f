extension SymbolTable {
    /// Builds a table from symbols in table order without a heap object per
    /// symbol: candidates are plain values whose names are ranges of one byte
    /// buffer, sorted once; then one symbol is kept per address.
    struct Builder {
        struct Candidate {
            var start: UInt64
            var size: UInt64
            var nameStart: UInt32
            var nameLength: UInt32
            var sourceFile: UInt32
            var order: UInt32
        }

        static let noFile = SymbolTable.noSourceFile
        var candidates: [Candidate] = []
        /// The candidates' names.
        var names: [UInt8] = []
        /// Source file names the candidates refer to by index.
        var sourceFiles: [[UInt8]] = []

        /// A builder whose names are appended as symbols are added.
        init() {}

        /// A builder whose candidates name ranges of `names` (a string table).
        init(names: [UInt8]) { self.names = names }

        /// Adds a symbol whose name is `nameRange` of `names`.
        mutating func add(start: UInt64, size: UInt64, nameRange: Range<Int>, sourceFile: UInt32) {
            guard candidates.count < Int(UInt32.max), nameRange.lowerBound >= 0, nameRange.upperBound <= names.count,
                  names.count <= Int(UInt32.max)
            else { return }
            candidates.append(Candidate(start: start, size: size, nameStart: UInt32(nameRange.lowerBound),
                                        nameLength: UInt32(nameRange.count), sourceFile: sourceFile, order: UInt32(candidates.count)))
        }

        /// Adds a symbol whose name is `name` (copied).
        mutating func add<Name: Collection>(start: UInt64, size: UInt64, name: Name, sourceFile: UInt32) where Name.Element == UInt8 {
            // Names are counted in 32 bits: beyond 4 GiB of names, the rest go unnamed.
            let length = names.count + name.count <= Int(UInt32.max) ? name.count : 0
            let nameStart = UInt32(names.count)
            if length > 0 { names.append(contentsOf: name) }
            guard candidates.count < Int(UInt32.max) else { return }
            candidates.append(Candidate(start: start, size: size, nameStart: nameStart, nameLength: UInt32(length),
                                        sourceFile: sourceFile, order: UInt32(candidates.count)))
        }

        /// The table: candidates sorted by (start, size), stable; of each
        /// start, the last kept (the largest size, the latest in the table),
        /// as llvm-symbolizer keeps one symbol per address.
        mutating func table(buildID: BuildID?, segments: [ELFSegment], lines: LineTable?) -> SymbolTable {
            candidates.sort { ($0.start, $0.size, $0.order) < ($1.start, $1.size, $1.order) }
            // Of each start, the last: compacted in place.
            var keptCount = 0
            for index in candidates.indices {
                if keptCount > 0 && candidates[keptCount - 1].start == candidates[index].start {
                    candidates[keptCount - 1] = candidates[index]
                } else {
                    candidates[keptCount] = candidates[index]
                    keptCount += 1
                }
            }
            candidates.removeLast(candidates.count - keptCount)
            let kept = candidates
            var starts: [UInt64] = []
            var sizes: [UInt64] = []
            var nameStarts: [UInt32] = [0]
            var tableNames: [UInt8] = []
            tableNames.reserveCapacity(kept.reduce(0) { $0 + Int($1.nameLength) })
            var sourceFileIndexes: [UInt32] = []
            var usedFiles: [UInt32: UInt32] = [:]
            var tableFiles: [[UInt8]] = []
            starts.reserveCapacity(kept.count)
            sizes.reserveCapacity(kept.count)
            nameStarts.reserveCapacity(kept.count + 1)
            names.withUnsafeBufferPointer { source in
                for (position, candidate) in kept.enumerated() {
                    starts.append(candidate.start)
                    sizes.append(candidate.size)
                    let from = Int(candidate.nameStart)
                    tableNames.append(contentsOf: source[from..<from + Int(candidate.nameLength)])
                    nameStarts.append(UInt32(tableNames.count))
                    guard candidate.sourceFile != Builder.noFile, Int(candidate.sourceFile) < sourceFiles.count else { continue }
                    if sourceFileIndexes.isEmpty { sourceFileIndexes = Array(repeating: Builder.noFile, count: kept.count) }
                    if let known = usedFiles[candidate.sourceFile] {
                        sourceFileIndexes[position] = known
                    } else {
                        let number = UInt32(tableFiles.count)
                        usedFiles[candidate.sourceFile] = number
                        tableFiles.append(sourceFiles[Int(candidate.sourceFile)])
                        sourceFileIndexes[position] = number
                    }
                }
            }
            // Of a segment, what maps offsets: alignment is not kept.
            let loadable = segments.filter(\.isLoad).map {
                ELFSegment(type: ELFSegment.loadType, flags: $0.flags, fileOffset: $0.fileOffset, virtualAddress: $0.virtualAddress,
                           fileSize: $0.fileSize, memorySize: $0.memorySize, alignment: 0)
            }
            return SymbolTable(buildID: buildID, segments: loadable, starts: starts, sizes: sizes, nameStarts: nameStarts,
                               names: tableNames, sourceFiles: tableFiles, sourceFileIndexes: sourceFileIndexes, lines: lines)
        }
    }
}
