import Foundation
import ScheduleEngine

/// Compiles job schedules with the schedule engine.
public struct EngineFireTimeCalculator: FireTimeCalculator {
    public init() {}

    public func compile(_ key: ScheduleKey) throws(FireScheduleError) -> any FireSchedule {
        do throws(ScheduleError) {
            let schedule = try Schedule.parse(key.schedule)
            let timeZone = try key.timezone.map { name throws(ScheduleError) in try ScheduleTimeZone(identifier: name) }
            return EngineFireSchedule(schedule: schedule, timeZone: timeZone ?? .utc, start: key.start, end: key.end)
        } catch {
            throw FireScheduleError(error.message)
        }
    }
}

/// A parsed schedule with the time zone and bounds of its job.
struct EngineFireSchedule: FireSchedule {
    let schedule: Schedule
    let timeZone: ScheduleTimeZone
    let start: Date?
    let end: Date?

    func nextFire(after date: Date) -> Date? {
        schedule.nextFire(after: date, in: timeZone, start: start, end: end)
    }
}
