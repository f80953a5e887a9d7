import Foundation
import Scheduler

/// A schedule firing every `interval` seconds at multiples of the interval since 1970, within
/// `start` and `end`: enough to test the timer core apart from the cron engine.
struct IntervalSchedule: FireSchedule {
    var interval: TimeInterval
    var start: Date?
    var end: Date?

    func nextFire(after date: Date) -> Date? {
        var from = date
        if let start, start > from { from = start.addingTimeInterval(-0.000_001) }
        let next = Date(timeIntervalSince1970: ((from.timeIntervalSince1970 / interval).rounded(.down) + 1) * interval)
        if let end, next > end { return nil }
        return next
    }
}

/// Reads schedules written `every N` (seconds); anything else is invalid.
struct IntervalCalculator: FireTimeCalculator {
    func compile(_ key: ScheduleKey) throws(FireScheduleError) -> any FireSchedule {
        let parts = key.schedule.split(separator: " ")
        guard parts.count == 2, parts[0] == "every", let seconds = Double(parts[1]), seconds > 0 else {
            throw FireScheduleError("invalid schedule \(key.schedule)")
        }
        return IntervalSchedule(interval: seconds, start: key.start, end: key.end)
    }
}
