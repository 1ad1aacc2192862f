import VMASnap

extension PerfResolve {
    /// How perf's times meet the recording's clock, and what to tell the user about it.
    struct ClockChoice {
        /// The recording's measurements of perf's clock.
        var readings: [PerfClockReading]
        /// The offset given with --clock-offset, or estimated.
        var offset: Int64?
        var userGaveOffset: Bool
        var estimate: PerfClockEstimate?
        var estimateTried: Bool
        let header: RecordingHeader
        let clockData: PerfDataFeatures.ClockData?
        /// Filled in as the events are met.
        var notes: [String] = []

        /// The conversion of an event's times.
        func conversion(_ attribute: PerfEventAttribute) -> PerfTimeConversion {
            PerfTimeConversion.choose(for: attribute, readings: userGaveOffset ? [] : readings, header: header,
                                      clockData: clockData, estimate: offset)
        }
    }

    /// Chooses how to convert perf's times, estimating the offset from the
    /// data (a first pass over the file) when the recording has no measurement.
    static func clockChoice(
        reader: PerfDataReader, path: String, recording: OpenedRecording, index: LoadingAddressIndex, userOffset: Int64?
    ) throws -> ClockChoice {
        var choice = ClockChoice(
            readings: recording.perfClockReadings, offset: userOffset, userGaveOffset: userOffset != nil, estimate: nil,
            estimateTried: false, header: recording.header, clockData: reader.features.clockData)
        let usesPerfClock = reader.events.attributes.contains { !$0.flags.contains(.useClockID) }
        if userOffset == nil, choice.readings.isEmpty, usesPerfClock, reader.inputSize != nil {
            choice.estimateTried = true
            let loads = try PerfClockEstimate.loads(in: try PerfDataReader(path: path))
            choice.estimate = PerfClockEstimate.estimate(loads: loads) { pid in (try? recording.histories(pid: pid)) ?? [] }
            choice.offset = choice.estimate?.offset
        }
        return choice
    }

    /// The notes on stderr about the conversions the events used.
    static func clockNotes(_ choice: ClockChoice, conversions: [PerfTimeConversion]) -> [String] {
        var notes: [String] = []
        var seen = Set<PerfTimeConversion>()
        for conversion in conversions where seen.insert(conversion).inserted {
            switch conversion.method {
            case .monotonic:
                break
            case .measured(let readings):
                var text = "note: perf recorded with its default clock, not CLOCK_MONOTONIC: its times were converted "
                    + "with the recording's \(readings.count) measurement\(readings.count == 1 ? "" : "s") of it "
                    + "(offset \(signedSeconds(readings[0].offset)) s ± \(readings[0].uncertainty) ns at the start"
                if let last = readings.last, readings.count > 1 {
                    text += ", \(signedSeconds(last.offset)) s at the end"
                }
                notes.append(text + ")")
            case .offset(let offset):
                if choice.userGaveOffset {
                    notes.append("note: perf's times were converted with --clock-offset \(signedSeconds(offset)) s")
                } else if let estimate = choice.estimate {
                    notes.append("warning: perf recorded with its default clock, and the recording has no measurement of it "
                        + "(vmasnap record before format 1.1, or perf_event_open was not allowed): estimated the offset the "
                        + "times need from \(estimate.agreeing) of \(estimate.matched) library loads both saw, "
                        + "\(signedSeconds(estimate.offset)) s (between \(signedSeconds(estimate.range.lowerBound)) and "
                        + "\(signedSeconds(estimate.range.upperBound))), and resolved with it; answers near a change may be "
                        + "wrong. Record perf with -k CLOCK_MONOTONIC, or give --clock-offset")
                }
            case .throughWallClock(let clock, let offset):
                notes.append("note: perf recorded with \(RecordingClock(rawValue: UInt64(clock)).description); its times were "
                    + "converted through the wall clock (perf's CLOCK_DATA and the recording's reference times), offset "
                    + "\(signedSeconds(offset)) s")
            case .unconverted(let clock?):
                notes.append("warning: perf recorded with \(RecordingClock(rawValue: UInt64(UInt32(bitPattern: clock))).description), "
                    + "which cannot be converted to the recording's clock (no CLOCK_DATA): times are taken as they are, "
                    + "and answers are likely wrong. Record perf with -k CLOCK_MONOTONIC")
            case .unconverted(nil):
                notes.append("warning: perf recorded with its default clock, and the recording has no measurement of it "
                    + "(vmasnap record before format 1.1, or perf_event_open was not allowed)"
                    + (choice.estimateTried ? "; no library load both saw gives an estimate of the offset it would need"
                        : "; the offset it would need cannot be estimated from a pipe")
                    + ": times are taken as they are, and answers are likely wrong. Record perf with -k CLOCK_MONOTONIC, "
                    + "or give --clock-offset")
            }
        }
        return notes
    }

    /// "+1.234567890" or "-0.000001000".
    static func signedSeconds(_ nanoseconds: Int64) -> String {
        (nanoseconds < 0 ? "-" : "+") + TimeText.format(nanoseconds: nanoseconds.magnitude > UInt64(Int64.max) ? .max : Int64(nanoseconds.magnitude))
    }

    /// Warnings when the two files do not come from the same machine and boot.
    static func checkOrigin(reader: PerfDataReader, recording: OpenedRecording) {
        let header = recording.header
        let features = reader.features
        if let host = features.hostName, !host.isEmpty, !header.hostName.isEmpty, host != header.hostName {
            StandardError.line("vmasnap: warning: perf recorded on host \"\(TextEscaping.escape(host))\", the recording on "
                + "\"\(TextEscaping.escape(header.hostName))\": addresses of one machine mean nothing on another")
        }
        if let release = features.osRelease, !release.isEmpty, !header.kernelRelease.isEmpty, release != header.kernelRelease {
            StandardError.line("vmasnap: warning: perf recorded under kernel \(TextEscaping.escape(release)), the recording "
                + "under \(TextEscaping.escape(header.kernelRelease)): not the same boot")
        }
        // perf.data has no boot ID; with CLOCK_DATA on CLOCK_MONOTONIC, the
        // boot's wall-clock time tells two boots apart.
        if let clock = features.clockData, UInt64(clock.clockID) == header.clock.rawValue, header.referenceRealtime > 0 {
            let perfBoot = Int64(bitPattern: clock.wallClockTime) &- Int64(bitPattern: clock.clockTime)
            let recordingBoot = header.referenceRealtime &- header.referenceMonotonic
            if (perfBoot &- recordingBoot).magnitude > 2_000_000_000 {
                StandardError.line("vmasnap: warning: perf.data and the recording come from different boots (their clocks "
                    + "started \(signedSeconds(perfBoot &- recordingBoot)) s apart): times do not match")
            }
        }
    }
}
