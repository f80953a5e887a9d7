import Foundation

/// A validated schedule: when a job fires.
///
/// Three forms are accepted (docs/schedules.md has the details):
/// - the native format, up to eight fields `second minute hour day_of_week week day month
///   year` in APScheduler 3 `CronTrigger` syntax, such as `0 30 9 mon-fri`;
/// - classic five-field cron after `cron:`, such as `cron:*/15 9-17 * * 1-5`;
/// - a fixed interval after `rate:`, such as `rate:5 minutes`.
///
/// Parsing compiles the schedule once; `nextFire(after:in:start:end:)` is then a pure
/// function, safe to call from any thread.
public struct Schedule: Sendable, Equatable {
    /// The schedule as it was written.
    public let text: String
    let rule: Rule

    enum Rule: Sendable, Equatable {
        case calendar(TimePattern)
        case rate(RateRule)
    }

    /// Parses and validates a schedule.
    ///
    /// - Throws: `ScheduleError` whose message names the field, the offending text and what
    ///   is allowed, such as `hour: 24 is out of range 0..23`.
    public static func parse(_ text: String) throws(ScheduleError) -> Schedule {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.hasPrefix(CronParser.prefix) {
            let pattern = try CronParser.parse(String(trimmed.dropFirst(CronParser.prefix.count)))
            return Schedule(text: text, rule: .calendar(pattern))
        }
        if trimmed.hasPrefix(RateRule.prefix) {
            let rate = try RateRule(parsing: String(trimmed.dropFirst(RateRule.prefix.count)))
            return Schedule(text: text, rule: .rate(rate))
        }
        return Schedule(text: text, rule: .calendar(try ScheduleParser.parse(text)))
    }

    /// Whether this is a `rate:` schedule, which fires at fixed intervals from `start` (or
    /// from the Unix epoch when there is no start).
    public var isRate: Bool {
        if case .rate = rule { return true }
        return false
    }

    /// Next fire time strictly after `instant`, or nil when there is none.
    ///
    /// - Parameters:
    ///   - instant: the search starts after this instant.
    ///   - timeZone: the zone whose wall-clock times the schedule names; `rate:` schedules
    ///     ignore it.
    ///   - start: the earliest fire time allowed (inclusive), and the anchor of `rate:`
    ///     schedules.
    ///   - end: the latest fire time allowed (inclusive).
    /// - Returns: a whole second for calendar schedules. A wall-clock time that a
    ///   spring-forward skips does not fire; one that a fall-back repeats fires twice.
    public func nextFire(after instant: Date, in timeZone: ScheduleTimeZone = .utc, start: Date? = nil,
                         end: Date? = nil) -> Date? {
        let after = instant.timeIntervalSince1970
        guard after.isFinite else { return nil }
        let fire: Double
        switch rule {
        case .calendar(let pattern):
            guard let instant = nextCalendarFire(pattern, after: after, in: timeZone, start: start) else { return nil }
            fire = instant
        case .rate(let rate):
            let anchor = start?.timeIntervalSince1970 ?? 0
            guard anchor.isFinite else { return nil }
            fire = rate.nextFire(after: after, anchor: anchor)
        }
        if let end, fire > end.timeIntervalSince1970 { return nil }
        return Date(timeIntervalSince1970: fire)
    }

    /// Returns up to `count` fire times after `instant`, each later than the one before.
    public func nextFires(after instant: Date, count: Int, in timeZone: ScheduleTimeZone = .utc, start: Date? = nil,
                          end: Date? = nil) -> [Date] {
        var fires: [Date] = []
        var cursor = instant
        while fires.count < count, let fire = nextFire(after: cursor, in: timeZone, start: start, end: end) {
            fires.append(fire)
            cursor = fire
        }
        return fires
    }

    /// Seconds since the epoch beyond which no calendar schedule fires (after year 9999).
    private static let searchCeiling = 253_402_387_200.0

    private func nextCalendarFire(_ pattern: TimePattern, after: Double, in timeZone: ScheduleTimeZone,
                                  start: Date?) -> Double? {
        guard after < Self.searchCeiling else { return nil }
        var lower = max(after, -Self.searchCeiling).rounded(.down) + 1
        if let start {
            let startSeconds = start.timeIntervalSince1970
            guard !startSeconds.isNaN, startSeconds < Self.searchCeiling else { return nil }
            lower = max(lower, startSeconds.rounded(.up))
        }
        return pattern.nextInstant(atOrAfter: Int64(lower), in: timeZone.transitions).map(Double.init)
    }
}
