import Foundation
import Testing
@testable import VMASnap

/// What the recorder met, end to end: a real `record` of a command, with
/// kernel events on and off, read back by `info --json`, `info` and `dump`;
/// the counts are those of record's summary line.
@Suite struct RecorderReportCommandTests {
    /// The command recorded: a shell starting short-lived children.
    static let command = ["/bin/sh", "-c", "for i in 1 2 3 4 5; do /bin/true; sleep 0.05; done"]

    /// The number before `suffix` in `text` ("6 processes" → 6), nil if absent.
    static func number(before suffix: String, in text: String) -> Int? {
        let pattern = "([0-9]+) " + NSRegularExpression.escapedPattern(for: suffix)
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return Int(text[range])
    }

    /// Records `command` with `events`, and returns the summary line and `info --json`'s object.
    static func record(events: String, label: String) throws -> (file: String, summary: String, info: [String: Any]) {
        let file = try RecordCommandTests.directory(label) + "/t.data"
        let result = try CommandResult.run(["record", "--events", events, "--interval", "10ms", "-o", file, "--"] + command)
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try #require(result.standardError.split(separator: "\n").last { $0.hasPrefix("[ vmasnap record:") })
        let info = try CommandResult.run(["info", "--json", file])
        #expect(info.status == 0, "\(info.standardError)")
        return (file, String(summary), try InfoDumpCommandTests.object(info.standardOutput))
    }

    @Test func withEventsTheCountsAreTheSummaryLines() throws {
        let (file, summary, info) = try Self.record(events: "on", label: "report-on")
        #expect(info["kernel_events"] as? String == "on")
        #expect(info["kernel_events_refusal"] is NSNull)
        let walks = try #require(info["walks"] as? Int)
        #expect(walks > 0)
        #expect(info["walks_meeting_changes"] as? Int == Self.number(before: "walks met a change", in: summary)
                    ?? Self.number(before: "walk met a change", in: summary) ?? 0)
        // "; events: 6 processes, 0 changes found by walks only, 0 records lost in 0 windows"
        let processes = try #require(info["processes_from_events"] as? Int)
        #expect(processes >= 5)  // the five /bin/true children, at least
        #expect(summary.contains("events: \(processes) process"))
        #expect(info["changes_found_by_walks_only"] as? Int
                    == (Self.number(before: "changes found by walks only", in: summary) ?? Self.number(before: "change found by walks only", in: summary)))
        #expect(info["lost_records"] as? Int == (Self.number(before: "records lost", in: summary) ?? Self.number(before: "record lost", in: summary)))
        #expect(info["lost_windows"] as? Int == (Self.number(before: "windows", in: summary) ?? Self.number(before: "window", in: summary)))

        let text = try CommandResult.run(["info", file])
        #expect(text.standardOutput.contains("kernel events:      on\n"))
        #expect(text.standardOutput.contains("walks:              \(walks), "))
        #expect(text.standardOutput.contains("found by events:    \(processes) process"))
        let dump = try CommandResult.run(["dump", file])
        #expect(dump.standardOutput.contains(" events on\n"))
        #expect(dump.standardOutput.contains("recorder-report walks \(walks) "))
        #expect(dump.standardOutput.contains(" events processes \(processes) "))
    }

    @Test func withEventsOffTheEventsCountsAreNull() throws {
        let (file, summary, info) = try Self.record(events: "off", label: "report-off")
        #expect(!summary.contains("events:"))
        #expect(info["kernel_events"] as? String == "off")
        #expect((info["walks"] as? Int ?? 0) > 0)
        #expect(info["walks_meeting_changes"] as? Int == Self.number(before: "walks met a change", in: summary)
                    ?? Self.number(before: "walk met a change", in: summary) ?? 0)
        for key in ["processes_from_events", "changes_found_by_walks_only", "lost_records", "lost_windows"] {
            #expect(info[key] is NSNull, "\(key)")
        }
        let text = try CommandResult.run(["info", file])
        #expect(text.standardOutput.contains("kernel events:      off (record --events off)\n"))
        #expect(!text.standardOutput.contains("found by events:"))
        let dump = try CommandResult.run(["dump", "--json", file])
        #expect(dump.standardOutput.contains("\"kernel_events\":\"off\""))
        #expect(dump.standardOutput.contains("\"type\":\"recorder_report\""))
    }
}
