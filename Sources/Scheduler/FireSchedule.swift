import Foundation
import JobModel

/// A job's schedule compiled once, then asked for fire times many times.
///
/// # Implementation requirements
/// `nextFire(after:)` is a pure function of its argument: no I/O, no clock reads, safe to call
/// from any thread.
public protocol FireSchedule: Sendable {
    /// Returns the first fire time strictly after `date`, or nil when the schedule has no
    /// more fires (it ended at `scheduleEnd` or can never match).
    func nextFire(after date: Date) -> Date?
}

/// Compiles the schedule fields of jobs into `FireSchedule` values.
///
/// The schedule engine provides the real one; tests may pass simpler ones.
public protocol FireTimeCalculator: Sendable {
    /// Compiles `key`, which contains a job's `schedule`, `timezone`, `scheduleStart` and
    /// `scheduleEnd`.
    /// - Throws: `FireScheduleError` when the schedule text or the time zone is invalid.
    func compile(_ key: ScheduleKey) throws(FireScheduleError) -> any FireSchedule
}

/// The fields of a job that decide its fire times. Two jobs with equal keys fire at the same
/// times, so they share one compiled schedule.
public struct ScheduleKey: Hashable, Sendable {
    public var schedule: String
    /// IANA time zone name; nil means UTC.
    public var timezone: String?
    public var start: Date?
    public var end: Date?

    public init(schedule: String, timezone: String? = nil, start: Date? = nil, end: Date? = nil) {
        self.schedule = schedule
        self.timezone = timezone
        self.start = start
        self.end = end
    }

    public init(job: Job) {
        self.init(schedule: job.schedule, timezone: job.timezone, start: job.scheduleStart, end: job.scheduleEnd)
    }
}

/// A schedule or time zone that cannot be compiled.
public struct FireScheduleError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
