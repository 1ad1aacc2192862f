import ArgumentParser
import VMASnap

/// A process ID given on the command line: a positive decimal number.
struct ProcessID: ExpressibleByArgument {
    var value: Int32

    init?(argument: String) {
        guard let value = Int32(argument), value > 0 else { return nil }
        self.value = value
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// An address given on the command line: hex, with or without "0x" (perf
/// prints addresses without it).
struct Address: ExpressibleByArgument {
    var value: UInt64

    init?(argument: String) {
        guard let value = AddressText.parse(argument) else { return nil }
        self.value = value
    }
}

/// A duration given on the command line: a number and a unit ("250ms",
/// "1.5s"), parsed once, exactly, and at most `DurationText.maximum`, so that
/// nothing computed from it can overflow. Options use `init(parsing:)` as
/// their transform, so that a bad value says why.
struct DurationArgument: ExpressibleByArgument {
    /// Nanoseconds.
    var nanoseconds: Int64

    init?(argument: String) {
        guard let value = try? DurationArgument(parsing: argument) else { return nil }
        self = value
    }

    /// Parses `text`; throws `DurationTextError` with the reason.
    init(parsing text: String) throws {
        nanoseconds = try DurationText.parse(text)
    }
}

extension BackendChoice: ExpressibleByArgument {}

/// The recording a command reads.
struct RecordingFileArgument: ParsableArguments {
    @Argument(help: "The recording.")
    var file: String
}

/// `-p`/`--pid`: the process a command is about.
struct ProcessOption: ParsableArguments {
    @Option(name: [.short, .customLong("pid")], help: "The process ID (timeline and diff: only this process).")
    var pid: ProcessID?

    /// The pid, which this command needs.
    func required() throws -> Int32 {
        guard let pid else { throw ValidationError("missing -p PID") }
        return pid.value
    }
}

/// `--json`.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON: one object a line (info and maps: one object).")
    var json = false
}

/// `--backend`.
struct BackendOption: ParsableArguments {
    @Option(help: "How to read the mappings: auto (the ioctl where the kernel has it), ioctl or text.")
    var backend: BackendChoice = .auto
}
