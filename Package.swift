// swift-tools-version:6.0
import PackageDescription

// Scripts/fuzz builds with VMASNAP_FUZZING=1 (in its own build folder): the
// reader then takes any checksum, so that libFuzzer reaches the decoders.
let fuzzingSettings: [SwiftSetting] = Context.environment["VMASNAP_FUZZING"] == "1"
    ? [.define("FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION")] : []

let package = Package(
    name: "vmasnap",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "VMASnap", targets: ["VMASnap"]),
        .executable(name: "vmasnap", targets: ["vmasnap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The PROCMAP_QUERY ABI (Linux 6.11+), which Debian 12's headers predate.
        .target(name: "CProcmapQuery"),
        // libzstd, from Debian's libzstd-dev.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // elfutils' libdw, from Debian's libdw-dev: DWARF line tables and
        // inlined functions (Sources/VMASnap/DWARF).
        .systemLibrary(
            name: "CDW",
            pkgConfig: "libdw",
            providers: [.apt(["libdw-dev"])]
        ),
        // liblzma, from Debian's liblzma-dev (which libdw-dev brings): the
        // xz-compressed symbol tables of MiniDebugInfo (.gnu_debugdata).
        .systemLibrary(
            name: "CLZMA",
            pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]
        ),
        // The toolchain's own demanglers: libstdc++'s __cxa_demangle and the
        // Swift runtime's swift_demangle.
        .target(name: "CDemangle", linkerSettings: [.linkedLibrary("stdc++")]),
        .target(
            name: "VMASnap",
            dependencies: ["CProcmapQuery", "CZstd", "CDW", "CLZMA", "CDemangle"],
            swiftSettings: [.swiftLanguageMode(.v5)] + fuzzingSettings
        ),
        .executableTarget(
            name: "vmasnap",
            dependencies: [
                "VMASnap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // A controllable target process for tests, demos and benchmarks (C, so
        // that its own address space is small and predictable).
        .executableTarget(name: "vmasnap-fixture", linkerSettings: [.linkedLibrary("dl")]),
        // The benchmark suite behind Scripts/bench (built in release mode).
        .executableTarget(
            name: "vmasnap-bench",
            dependencies: ["VMASnap", "CProcmapQuery", "CZstd"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // libFuzzer targets (Scripts/fuzz builds them with --sanitize=fuzzer).
        // What each fuzz target does with an input, shared with the tests
        // that replay the kept inputs (Tests/FuzzCorpus).
        .target(name: "FuzzEntryPoints", dependencies: ["VMASnap"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "fuzz-elf", dependencies: ["FuzzEntryPoints"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "fuzz-recording", dependencies: ["FuzzEntryPoints"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "fuzz-text", dependencies: ["FuzzEntryPoints"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(
            name: "VMASnapTests",
            dependencies: ["VMASnap", "FuzzEntryPoints", "vmasnap", "vmasnap-fixture"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
