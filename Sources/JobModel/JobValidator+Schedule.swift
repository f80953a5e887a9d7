import Foundation

/// The schedule checks the validator needs, in one place so that switching them to the
/// schedule engine is one line each.
enum ScheduleRules {
    /// Returns the reason `text` is not a valid schedule, or nil when it is valid.
    static func problem(in text: String) -> String? {
        // NOTE: a stand-in until the schedule engine's `Schedule.parse(text)` lands; it only
        // checks the field count and the characters. Replace the body with a call to
        // `Schedule.parse` that returns `ScheduleError.message`.
        let fields = text.split(separator: " ")
        guard (1...8).contains(fields.count) else {
            return "has \(fields.count) fields; a schedule has 1 to 8 space-separated fields"
        }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*/,-_?")
        if let bad = text.first(where: { $0 != " " && !allowed.contains($0) }) {
            return "contains the invalid character \(bad)"
        }
        return nil
    }

    /// `text` with each `?` in the second, minute and hour fields replaced by a random value
    /// in that field's range.
    static func fillWildcards(_ text: String) -> String {
        // NOTE: a stand-in until the schedule engine's `ScheduleWildcards.fill(text)` lands.
        var fields = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let ranges = [0..<60, 0..<60, 0..<24]
        for (index, range) in ranges.enumerated() where index < fields.count && fields[index] == "?" {
            fields[index] = String(Int.random(in: range))
        }
        return fields.joined(separator: " ")
    }

    /// True for schedules that count from `scheduleStart` (`rate:` schedules), which get the
    /// creation time as their start when none is given.
    static func countsFromStart(_ text: String) -> Bool {
        text.hasPrefix("rate:")
    }

    /// True when `name` is an IANA time zone name.
    static func isTimeZone(_ name: String) -> Bool {
        // NOTE: Foundation's time zone list until the schedule engine's `ScheduleTimeZone`
        // lands; the engine decides which names it can compute with.
        TimeZone(identifier: name) != nil
    }
}
