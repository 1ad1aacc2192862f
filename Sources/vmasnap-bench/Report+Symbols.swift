import Foundation

extension Report {
    func symbolTables(_ result: SymbolBenchmark.Result) {
        func ms(_ value: Double) -> String { String(format: "%.1f", value) }
        func rate(_ value: Double) -> String { value >= 1e6 ? String(format: "%.2fM", value / 1e6) : String(format: "%.0fk", value / 1e3) }
        line("## Symbolization (issue 14)")
        line()
        line("All times here are CPU time (user + system), not wall time: these machines are shared and loaded, and CPU time "
            + "is what each contender costs. First use of a library: *vmasnap* is a new `Symbolizer` giving its first answer "
            + "for a (build ID, file offset), in process: the file found by build ID (checked), its headers and symbol table "
            + "read (and, with lines, its debug file found and its DWARF opened). The tools are given the same address (the "
            + "file offset converted to its ELF virtual address) as a process: *process* is the whole run, *load* the same "
            + "less its run on a tiny library (its start-up). Median ms. Goal: under 20 ms for libc and libswiftCore.")
        line()
        line("| first answer | vmasnap ms | llvm-symbolizer ms (process / load) | addr2line ms (process / load) | llvm load / vmasnap | addr2line load / vmasnap |")
        line("|---|---:|---:|---:|---:|---:|")
        for row in result.firstUse {
            line("| \(row.name) | \(ms(row.vmasnap)) | \(ms(row.llvm)) / \(ms(row.llvmLoad)) | \(ms(row.addr2line)) / \(ms(row.addr2lineLoad)) | "
                + "\(Self.ratio(row.llvmLoad / row.vmasnap)) | \(Self.ratio(row.addr2lineLoad / row.vmasnap)) |")
        }
        line()
        line("Frames symbolized a second, one core, after warm-up (every offset symbolized once first), random offsets in the "
            + "code. *vmasnap*: `Symbolizer.symbolize(buildID:path:fileOffset:lines:)`, the answer with its demangled name; *fast "
            + "path*: `SymbolFile.function(atFileOffset:)` and `name(of:)`, what a caller holding the file uses. The tools: one "
            + "process over the addresses on stdin (their start-up included, negligible at this count). Frames per CPU second. "
            + "Goal: ≥ 2M a second, functions only.")
        line()
        line("| frames | count | vmasnap / s | fast path / s | llvm-symbolizer / s | addr2line / s | vmasnap / llvm | vmasnap / addr2line |")
        line("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in result.throughput {
            line("| \(row.name) | \(row.frames) | \(rate(row.vmasnap)) | \(row.vmasnapFastPath > 0 ? rate(row.vmasnapFastPath) : "") | "
                + "\(rate(row.llvm)) | \(rate(row.addr2line)) | \(Self.ratio(row.vmasnap / row.llvm)) | \(Self.ratio(row.vmasnap / row.addr2line)) |")
        }
        line()
        line("`record --keep-symbols`: each build ID's table is made once, from the file the recorder opened as it walked "
            + "(`SymbolKeeper` and the zstd compression of `StoredSymbolTable`), on the recorder's collector thread, not on its "
            + "walks. CPU ms, median. What stays on the walk per new build ID: opening the mapped file through "
            + "/proc/PID/map_files and fstat, \(String(format: "%.1f", result.openMicroseconds)) µs of CPU.")
        line()
        line("| table | made in ms (collector thread) | table bytes | stored bytes |")
        line("|---|---:|---:|---:|")
        for row in result.kept {
            line("| \(row.name) | \(ms(row.milliseconds)) | \(row.decodedBytes) | \(row.storedBytes) |")
        }
        line()
    }
}
