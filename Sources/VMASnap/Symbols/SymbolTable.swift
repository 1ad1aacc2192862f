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
    /// A coarse index into `starts`: `bucketStarts[b]` is the number of
    /// starts below `firstStart + b << bucketShift`, so that a lookup
    /// searches a few neighbours instead of the whole table (whose binary
    /// search misses the cache at every step in a large library).
    let bucketStarts: [UInt32]
    let bucketShift: UInt64
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
        var builder = Builder()
        var files: [[UInt8]: UInt32] = [:]
        for function in functions {
            var file = Builder.noFile
            if let name = function.sourceFile {
                if let known = files[name] { file = known } else {
                    file = UInt32(builder.sourceFiles.count)
                    files[name] = file
                    builder.sourceFiles.append(name)
                }
            }
            builder.add(start: function.start, size: function.size, name: function.name, sourceFile: file)
        }
        self = builder.table(buildID: buildID, segments: segments, lines: lines)
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
        (bucketStarts, bucketShift) = SymbolTable.buckets(starts)
    }

    /// The coarse index of `starts`: about two functions a bucket.
    static func buckets(_ starts: [UInt64]) -> ([UInt32], UInt64) {
        guard let first = starts.first, let last = starts.last, starts.count > 16, starts.count < Int(UInt32.max) else { return ([], 0) }
        let span = last - first
        var shift: UInt64 = 0
        while shift < 63 && span >> shift > UInt64(starts.count / 2) { shift += 1 }
        let count = Int(span >> shift) + 2
        var buckets = [UInt32](repeating: 0, count: count)
        var index = 0
        for bucket in 0..<count {
            let boundary = first &+ (UInt64(bucket) << shift)
            while index < starts.count && starts[index] < boundary { index += 1 }
            buckets[bucket] = UInt32(index)
        }
        return (buckets, shift)
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
            var low: Int
            if bucketStarts.isEmpty {
                low = starts.partitionPoint(where: { $0 > address })
            } else {
                guard address >= starts[0] else { return nil }
                let bucket = Int(min((address &- starts[0]) >> bucketShift, UInt64(bucketStarts.count - 1)))
                let from = Int(bucketStarts[bucket])
                let to = bucket + 1 < bucketStarts.count ? Int(bucketStarts[bucket + 1]) : starts.count
                low = UnsafeBufferPointer(rebasing: starts[from..<to]).partitionPoint(where: { $0 > address }) + from
            }
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
