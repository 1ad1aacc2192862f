import Foundation

/// Real ELF files for the symbolizer tests, compiled once per test run: a
/// PIE and a fixed-address executable with DWARF, libraries with inlined
/// functions (gcc -O2 and clang with lld, whose segments have p_vaddr !=
/// p_offset), a stripped library, one whose symbols and DWARF are only in a
/// separate debug file found by build ID, and a C++ library.
enum SymbolTestFiles {
    /// C with what symbol tables make hard: static inline helpers inlined
    /// two deep, a cold split (`.cold`), an alias, a weak symbol, an IFUNC,
    /// a zero-size assembly label and static functions.
    static let librarySource = """
        #include <stdint.h>
        #include <stdlib.h>

        static inline uint64_t mix(uint64_t x) {
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdULL;
            x ^= x >> 29;
            return x;
        }

        static inline uint64_t step(uint64_t state, uint64_t i) {
            uint64_t m = mix(state + i);
            if (m & 1)
                m = mix(m);
            return m;
        }

        __attribute__((noinline)) uint64_t walk(uint64_t n) {
            uint64_t s = 1;
            for (uint64_t i = 0; i < n; i++)
                s = step(s, i);
            return s;
        }

        uint64_t walk_alias(uint64_t n) __attribute__((alias("walk")));

        __attribute__((noinline)) static uint64_t hidden_helper(uint64_t n) {
            uint64_t t = 0;
            for (uint64_t i = 0; i < n; i++) t += mix(i) >> (i & 7);
            return t;
        }

        __attribute__((noinline)) uint64_t checked(uint64_t n) {
            if (__builtin_expect(n > 1000000, 0)) {
                abort();
            }
            return hidden_helper(n) + walk(n);
        }

        __attribute__((weak)) uint64_t weak_entry(uint64_t n) { return checked(n) * 3; }

        static uint64_t fast_impl(uint64_t n) { return n * 7; }
        static uint64_t (*resolve_fast(void))(uint64_t) { return fast_impl; }
        uint64_t fast(uint64_t n) __attribute__((ifunc("resolve_fast")));

        __asm__(".text\\n.globl asm_label\\n.type asm_label, @notype\\nasm_label:\\n\\tnop\\n\\tnop\\n\\tret\\n");

        uint64_t fixture_entry(uint64_t n) { return weak_entry(n) + fast(n); }

        """

    /// An executable: main calling into static and inline functions.
    static let executableSource = """
        #include <stdio.h>
        #include <stdlib.h>

        static inline int square(int x) { return x * x; }

        __attribute__((noinline)) static int sum_squares(int n) {
            int s = 0;
            for (int i = 0; i < n; i++) s += square(i) ^ (s >> 3);
            return s;
        }

        __attribute__((noinline)) int compute(int n) { return sum_squares(n) + square(n); }

        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 10;
            printf("%d\\n", compute(n));
            return 0;
        }

        """

    /// C++: namespaces, templates, operators, constructors, virtual
    /// functions, lambdas and an anonymous namespace.
    static let cxxSource = """
        #include <cstdint>
        #include <vector>
        #include <string>
        #include <map>

        namespace geometry {
        struct Point {
            double x, y;
            Point(double a, double b) : x(a), y(b) {}
            Point operator+(const Point &o) const { return Point(x + o.x, y + o.y); }
        };
        template <typename T> struct Box {
            std::vector<T> items;
            __attribute__((noinline)) void add(const T &t) { items.push_back(t); }
            __attribute__((noinline)) T total() const {
                T sum = T(0, 0);
                for (const auto &i : items) sum = sum + i;
                return sum;
            }
        };
        struct Shape { virtual ~Shape() {} virtual double area() const = 0; };
        struct Square : Shape {
            double side;
            explicit Square(double s) : side(s) {}
            __attribute__((noinline)) double area() const override { return side * side; }
        };
        }  // namespace geometry

        namespace {
        __attribute__((noinline)) int anonymous_count(const std::map<std::string, int> &m) {
            int n = 0;
            for (auto &kv : m) n += kv.second + (int)kv.first.size();
            return n;
        }
        }  // namespace

        extern "C" double cxx_entry(int n) {
            geometry::Box<geometry::Point> box;
            for (int i = 0; i < n; i++) box.add(geometry::Point(i, i * 2));
            geometry::Square square(n);
            const geometry::Shape &shape = square;
            std::map<std::string, int> counts{{"a", n}, {"bb", 2}};
            auto scale = [n](double v) __attribute__((noinline)) { return v * n; };
            return scale(box.total().x + shape.area()) + anonymous_count(counts);
        }

        extern "C" unsigned long fixture_entry(unsigned long n) { return (unsigned long)cxx_entry((int)(n % 64)); }

        """

    struct Files {
        /// A PIE executable (-O1 -g).
        var pie: String
        /// A fixed-address (ET_EXEC, -no-pie) executable (-O1 -g).
        var fixedAddress: String
        /// A library built with gcc -O2 -g.
        var inlined: String
        /// The same source built with clang and lld (-O2 -g): p_vaddr != p_offset.
        var lld: String
        /// A library stripped of .symtab and DWARF (.dynsym only).
        var stripped: String
        /// A stripped library whose .symtab and DWARF are in a separate
        /// debug file, under `debugDirectory`/.build-id.
        var separated: String
        /// That debug file.
        var separateDebugFile: String
        /// The debug directory holding it.
        var debugDirectory: String
        /// A C++ library (g++ -O2 -g).
        var cxx: String
        /// The -O2 -g library stripped, with MiniDebugInfo (.gnu_debugdata)
        /// made as Fedora makes it; `inlined` is the same code unstripped.
        var miniDebugInfo: String
    }

    static let files = Result<Files, Error> {
        let directory = TestLibraries.directory.appendingPathComponent("symbols")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let library = try write("symlib.c", librarySource)
        let program = try write("symexe.c", executableSource)
        let cxx = try write("symcxx.cpp", cxxSource)
        let cc = TestLibraries.compiler
        try TestLibraries.run(cc, ["-O1", "-g", "-pie", "-fPIE", "-o", path("pie"), program, "-Wl,--build-id=0x5e5e0001"])
        try TestLibraries.run(cc, ["-O1", "-g", "-no-pie", "-fno-PIE", "-o", path("fixed"), program, "-Wl,--build-id=0x5e5e0002"])
        try TestLibraries.run(cc, ["-O2", "-g", "-shared", "-fPIC", "-o", path("libinlined.so"), library, "-Wl,--build-id=0x5e5e0003"])
        try TestLibraries.run("/opt/swift/usr/bin/clang", ["-O2", "-g", "-shared", "-fPIC", "-fuse-ld=lld", "-o", path("liblld.so"),
                                                          library, "-Wl,--build-id=0x5e5e0004"])
        try TestLibraries.run(cc, ["-O2", "-g", "-shared", "-fPIC", "-o", path("libstripped.so"), library, "-Wl,--build-id=0x5e5e0005"])
        try TestLibraries.run("/usr/bin/strip", ["--strip-all", path("libstripped.so")])
        // objcopy --only-keep-debug, then strip: the layout of Debian's -dbgsym packages.
        let separated = path("libseparated.so")
        try TestLibraries.run(cc, ["-O2", "-g", "-shared", "-fPIC", "-o", separated, library, "-Wl,--build-id=0x5e5e00060006"])
        let debugDirectory = path("debug")
        let buildIDDirectory = debugDirectory + "/.build-id/5e"
        try FileManager.default.createDirectory(atPath: buildIDDirectory, withIntermediateDirectories: true)
        let debugFile = buildIDDirectory + "/5e00060006.debug"
        try TestLibraries.run("/usr/bin/objcopy", ["--only-keep-debug", separated, debugFile])
        try TestLibraries.run("/usr/bin/strip", ["--strip-all", separated])
        try TestLibraries.run("/usr/bin/g++", ["-O2", "-g", "-shared", "-fPIC", "-o", path("libcxx.so"), cxx, "-Wl,--build-id=0x5e5e0007"])
        let mini = try makeMiniDebugInfo(from: path("libinlined.so"), to: path("libmini.so"), scratch: path("mini"))
        return Files(pie: path("pie"), fixedAddress: path("fixed"), inlined: path("libinlined.so"), lld: path("liblld.so"),
                     stripped: path("libstripped.so"), separated: separated, separateDebugFile: debugFile,
                     debugDirectory: debugDirectory, cxx: path("libcxx.so"), miniDebugInfo: mini)
    }

    /// A copy of `library` stripped, with the functions .dynsym lacks in an
    /// xz-compressed .gnu_debugdata section (the recipe of Fedora's
    /// find-debuginfo: nm, objcopy --keep-symbols, xz, objcopy --add-section).
    static func makeMiniDebugInfo(from library: String, to output: String, scratch: String) throws -> String {
        func names(_ arguments: [String]) throws -> Set<String> {
            let text = try CommandResult.run(arguments + ["--format=posix", "--defined-only", library], executable: "/usr/bin/nm").standardOutput
            return Set(text.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                return fields.count >= 2 && (arguments.contains("-D") || "Tt".contains(fields[1])) ? String(fields[0]) : nil
            })
        }
        let keep = try names([]).subtracting(try names(["-D"])).sorted()
        try (keep.joined(separator: "\n") + "\n").write(toFile: scratch + ".keep", atomically: true, encoding: .utf8)
        try TestLibraries.run("/usr/bin/objcopy", ["--only-keep-debug", library, scratch + ".debug"])
        try TestLibraries.run("/usr/bin/objcopy", ["-S", "--remove-section", ".gdb_index", "--remove-section", ".comment",
                                                   "--keep-symbols=\(scratch).keep", scratch + ".debug", scratch + ".mini"])
        try? FileManager.default.removeItem(atPath: scratch + ".mini.xz")
        try TestLibraries.run("/usr/bin/xz", ["--keep", scratch + ".mini"])
        try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.copyItem(atPath: library, toPath: output)
        try TestLibraries.run("/usr/bin/strip", ["--strip-all", "--remove-section", ".comment", output])
        try TestLibraries.run("/usr/bin/objcopy", ["--add-section", ".gnu_debugdata=\(scratch).mini.xz", output])
        return output
    }
}
