/// The symbols of one build of a file, compact and serializable: how its
/// file offsets map to ELF virtual addresses (its loadable segments) and its
/// functions (start, size, name), sorted by start, each address named once.
///
/// A table is built from an ELF file (`init(elf:)`) or decoded from bytes
/// (`init(serialized:)`), such as a copy stored in a recording, and answers
/// the same way either way: this is what lets a recording keep the symbols
/// of a file that is later upgraded or deleted. Names are as the file has
/// them (mangled); `SymbolFile` demangles and caches them.
public struct SymbolTable: Hashable, Sendable {
    /// The build ID of the file the table was read from.
    public let buildID: BuildID?
    /// The loadable segments (PT_LOAD) that map file offsets to addresses
    /// (their alignment is not kept).
    public let segments: [ELFSegment]
    /// Function starts (ELF virtual addresses), ascending, distinct.
    let starts: [UInt64]
    /// Function sizes in bytes (0: unknown, the function runs to the next).
    let sizes: [UInt64]
    /// Where each name starts in `names`, and one more entry for the end.
    let nameStarts: [UInt32]
    /// The names, one after another.
    let names: [UInt8]
    /// The source file names that STT_FILE symbols give local functions.
    let sourceFiles: [[UInt8]]
    /// Per function, its index in `sourceFiles` (`noSourceFile` for none);
    /// empty when no function has one.
    let sourceFileIndexes: [UInt32]
    static let noSourceFile = UInt32.max
    /// Source lines, when the table carries them (a stored table made with
    /// lines); tables read from files leave lines to DWARF.
    public let lines: LineTable?

    /// One function, as given to `init(buildID:segments:functions:lines:)`.
    public struct Function: Hashable, Sendable {
        /// Its first address.
        public var start: UInt64
        /// Its size (0 when unknown).
        public var size: UInt64
        /// Its name, raw (mangled).
        public var name: [UInt8]
        /// For a local function, the source file that the STT_FILE symbol
        /// before it names (llvm-symbolizer's file where DWARF has none).
        public var sourceFile: [UInt8]?

        /// Creates a function.
        public init(start: UInt64, size: UInt64, name: [UInt8], sourceFile: [UInt8]? = nil) {
            self.start = start
            self.size = size
            self.name = name
            self.sourceFile = sourceFile
        }
    }

    /// A table of the given functions: sorted, and where several share a
    /// start, the largest kept (the last of equals), as llvm-symbolizer keeps
    /// one symbol per address.
    ///
    /// - Parameters:
    ///   - buildID: The file's build ID.
    ///   - segments: Its loadable segments (others are dropped).
    ///   - functions: Functions in symbol table order.
    ///   - lines: Source lines, if any.
    public init(buildID: BuildID?, segments: [ELFSegment], functions: [Function], lines: LineTable? = nil) {
        // Sort by (start, size), stable (the position breaks ties), then keep
        // the last of each start: the largest size, the latest in the table.
        let order = functions.indices.sorted {
            let a = functions[$0], b = functions[$1]
            return (a.start, a.size, $0) < (b.start, b.size, $1)
        }
        var starts: [UInt64] = []
        var sizes: [UInt64] = []
        var kept: [Int] = []
        starts.reserveCapacity(order.count)
        sizes.reserveCapacity(order.count)
        kept.reserveCapacity(order.count)
        for index in order {
            let function = functions[index]
            if let last = starts.last, last == function.start {
                sizes[sizes.count - 1] = function.size
                kept[kept.count - 1] = index
            } else {
                starts.append(function.start)
                sizes.append(function.size)
                kept.append(index)
            }
        }
        var nameStarts: [UInt32] = [0]
        var names: [UInt8] = []
        var sourceFiles: [[UInt8]] = []
        var sourceFileNumbers: [[UInt8]: UInt32] = [:]
        var sourceFileIndexes: [UInt32] = []
        nameStarts.reserveCapacity(kept.count + 1)
        for (position, index) in kept.enumerated() {
            if let file = functions[index].sourceFile {
                if sourceFileIndexes.isEmpty { sourceFileIndexes = Array(repeating: SymbolTable.noSourceFile, count: kept.count) }
                if let number = sourceFileNumbers[file] {
                    sourceFileIndexes[position] = number
                } else {
                    sourceFileNumbers[file] = UInt32(sourceFiles.count)
                    sourceFileIndexes[position] = UInt32(sourceFiles.count)
                    sourceFiles.append(file)
                }
            }
            // Names are counted in 32 bits: beyond 4 GiB of names, the rest go unnamed.
            if names.count + functions[index].name.count <= Int(UInt32.max) {
                names.append(contentsOf: functions[index].name)
            }
            nameStarts.append(UInt32(names.count))
        }
        // Of a segment, what maps offsets: alignment is not kept.
        let loadable = segments.filter(\.isLoad).map {
            ELFSegment(type: ELFSegment.loadType, flags: $0.flags, fileOffset: $0.fileOffset, virtualAddress: $0.virtualAddress,
                       fileSize: $0.fileSize, memorySize: $0.memorySize, alignment: 0)
        }
        self.init(buildID: buildID, segments: loadable, starts: starts, sizes: sizes,
                  nameStarts: nameStarts, names: names, sourceFiles: sourceFiles, sourceFileIndexes: sourceFileIndexes,
                  lines: lines)
    }

    /// A table from its parts, already sorted and distinct.
    init(buildID: BuildID?, segments: [ELFSegment], starts: [UInt64], sizes: [UInt64], nameStarts: [UInt32],
         names: [UInt8], sourceFiles: [[UInt8]], sourceFileIndexes: [UInt32], lines: LineTable?) {
        self.buildID = buildID
        self.segments = segments
        self.starts = starts
        self.sizes = sizes
        self.nameStarts = nameStarts
        self.names = names
        self.sourceFiles = sourceFiles
        self.sourceFileIndexes = sourceFileIndexes
        self.lines = lines
    }

    /// The number of functions.
    public var count: Int { starts.count }

    /// The ELF virtual address of file offset `offset` (see
    /// `ELFFile.virtualAddress(ofFileOffset:)`).
    ///
    /// - Parameter offset: A file offset in the file the table describes.
    /// - Returns: The address, or nil when no loadable segment holds it.
    public func virtualAddress(ofFileOffset offset: UInt64) -> UInt64? {
        ELFFile.virtualAddress(ofFileOffset: offset, in: segments)
    }

    /// The function containing `address`, as llvm-symbolizer finds it: the
    /// function with the greatest start at or below the address, if its size
    /// is 0 (unknown: it runs to the next function) or covers the address.
    /// An address past a sized function's end is in no function, even when
    /// an earlier one is larger.
    ///
    /// - Parameter address: An ELF virtual address.
    /// - Returns: The function's index, or nil.
    public func function(containing address: UInt64) -> Int? {
        starts.withUnsafeBufferPointer { starts -> Int? in
            let low = starts.partitionPoint { $0 <= address }
            guard low > 0 else { return nil }
            let index = low &- 1
            let size = sizes[index]
            if size != 0 && address &- starts[index] >= size { return nil }
            return index
        }
    }

    /// The start of function `index`.
    public func start(of index: Int) -> UInt64 { starts[index] }
    /// The size of function `index` (0 when unknown).
    public func size(of index: Int) -> UInt64 { sizes[index] }
    /// The raw (mangled) name of function `index`.
    public func name(of index: Int) -> ArraySlice<UInt8> { names[Int(nameStarts[index])..<Int(nameStarts[index + 1])] }

    /// The source file an STT_FILE symbol gives local function `index`.
    public func sourceFile(of index: Int) -> [UInt8]? {
        guard !sourceFileIndexes.isEmpty, sourceFileIndexes[index] != SymbolTable.noSourceFile else { return nil }
        return sourceFiles[Int(sourceFileIndexes[index])]
    }

    /// Every function, in address order.
    public var functions: [Function] {
        (0..<count).map { Function(start: starts[$0], size: sizes[$0], name: Array(name(of: $0)), sourceFile: sourceFile(of: $0)) }
    }
}
