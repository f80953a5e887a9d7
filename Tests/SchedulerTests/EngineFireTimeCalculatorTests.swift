import Foundation
import Scheduler
import Testing

@Suite("Engine fire times")
struct EngineFireTimeCalculatorTests {
    let calculator = EngineFireTimeCalculator()

    @Test("schedule fires in UTC by default")
    func utc() throws {
        let schedule = try calculator.compile(ScheduleKey(schedule: "*/5"))
        #expect(schedule.nextFire(after: epoch) == epoch.addingTimeInterval(5))
        #expect(schedule.nextFire(after: epoch.addingTimeInterval(5)) == epoch.addingTimeInterval(10))
    }

    @Test("schedule reads its time zone")
    func timeZone() throws {
        // Midnight in New York is 05:00 UTC in January.
        let schedule = try calculator.compile(ScheduleKey(schedule: "0 0 0", timezone: "America/New_York"))
        #expect(schedule.nextFire(after: epoch) == epoch.addingTimeInterval(5 * 3_600))
    }

    @Test("start and end bound the fires")
    func bounds() throws {
        let key = ScheduleKey(schedule: "0", start: epoch.addingTimeInterval(600), end: epoch.addingTimeInterval(720))
        let schedule = try calculator.compile(key)
        #expect(schedule.nextFire(after: epoch) == epoch.addingTimeInterval(600))
        #expect(schedule.nextFire(after: epoch.addingTimeInterval(600)) == epoch.addingTimeInterval(660))
        #expect(schedule.nextFire(after: epoch.addingTimeInterval(720)) == nil)
    }

    @Test("invalid schedule is rejected with the engine's message")
    func invalidSchedule() {
        #expect(throws: FireScheduleError.self) { try calculator.compile(ScheduleKey(schedule: "61")) }
        do {
            _ = try calculator.compile(ScheduleKey(schedule: "61"))
        } catch {
            #expect(error.message.contains("61"))
        }
    }

    @Test("unknown time zone is rejected")
    func invalidTimeZone() {
        do {
            _ = try calculator.compile(ScheduleKey(schedule: "0", timezone: "Mars/Olympus"))
            Issue.record("an unknown time zone was accepted")
        } catch {
            #expect(error.message.contains("Mars/Olympus"))
        }
    }
}
