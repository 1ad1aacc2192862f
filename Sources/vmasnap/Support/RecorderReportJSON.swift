import VMASnap

/// A RECORDER_REPORT's JSON members, shared by `info --json` and `dump --json`.
enum RecorderReportJSON {
    /// walks, walks_meeting_changes, and the events' processes_from_events,
    /// changes_found_by_walks_only, lost_records and lost_windows: null when
    /// unknown (no report: the recorder did not finish; events off or refused).
    static func writeMembers(of report: RecorderReport?, to writer: inout JSONWriter) {
        writer.integer("walks", report?.walks)
        writer.integer("walks_meeting_changes", report?.walksMeetingChanges)
        let events = report?.events
        writer.integer("processes_from_events", events?.processesFromEvents)
        writer.integer("changes_found_by_walks_only", events?.changesFoundByWalksOnly)
        writer.integer("lost_records", events?.lostRecords)
        writer.integer("lost_windows", events?.lostWindows)
    }
}
