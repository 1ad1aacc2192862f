import VMASnap

/// What a recording holds of its processes, read by the real reader.
enum RecordedPrograms {
    /// Processes whose last command name is `command` and whose history maps
    /// `path` in some epoch.
    ///
    /// - Throws: the reader's errors.
    static func count(in file: String, command: String, mapping path: String) throws -> Int {
        let reader = try RecordingReader(path: file)
        var commands = reader.processes.map { String(decoding: $0.command, as: UTF8.self) }
        for record in reader.records() {
            if case .exec(let number, let name, _) = record { commands[number] = String(decoding: name, as: UTF8.self) }
        }
        return try commands.indices.filter { number in
            try commands[number] == command && reader.history(of: number).epochs.contains { $0.mappings.contains { $0.path.lossyString == path } }
        }.count
    }

    /// How many times `path` went from absent to present over the epochs of
    /// process 0 (the recorded command).
    ///
    /// - Throws: the reader's errors.
    static func loads(in file: String, of path: String) throws -> Int {
        let reader = try RecordingReader(path: file)
        var loads = 0
        var present = false
        for epoch in try reader.history(of: 0).epochs {
            let now = epoch.mappings.contains { $0.path.lossyString == path }
            if now && !present { loads += 1 }
            present = now
        }
        return loads
    }
}
