import Foundation
import ScheduleEngine

/// The schedule checks the validator needs, all delegated to the schedule engine.
enum ScheduleRules {
    /// Returns the reason `text` is not a valid schedule, or nil when it is valid.
    static func problem(in text: String) -> String? {
        do {
            _ = try Schedule.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    /// Returns `text` with each `?` in the second, minute and hour fields replaced by a
    /// random value in that field's range.
    static func fillWildcards(_ text: String) -> String {
        ScheduleWildcards.fill(text)
    }

    /// True for schedules that count from `scheduleStart` (`rate:` schedules), which get the
    /// creation time as their start when none is given.
    static func countsFromStart(_ text: String) -> Bool {
        (try? Schedule.parse(text))?.isRate ?? false
    }

    /// True when `name` is an IANA time zone name the schedule engine can compute with.
    static func isTimeZone(_ name: String) -> Bool {
        (try? ScheduleTimeZone(identifier: name)) != nil
    }
}
