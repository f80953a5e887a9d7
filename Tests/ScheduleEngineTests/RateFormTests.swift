import Foundation
import Testing
import ScheduleEngine

@Suite struct RateFormTests {
    @Test func firesEveryIntervalFromStart() throws {
        let schedule = try Schedule.parse("rate:5 minutes")
        #expect(schedule.isRate)
        #expect(try schedule.fires(after: "2026-12-04T19:12:00Z", count: 3, start: "2026-12-04T19:01:30Z")
            == ["2026-12-04T19:16:30Z", "2026-12-04T19:21:30Z", "2026-12-04T19:26:30Z"])
    }

    @Test func firstFireIsStartItself() throws {
        let schedule = try Schedule.parse("rate:1 hour")
        #expect(try schedule.fires(after: "2026-12-01T00:00:00Z", count: 2, start: "2026-12-04T19:00:00Z")
            == ["2026-12-04T19:00:00Z", "2026-12-04T20:00:00Z"])
    }

    @Test func anchorsAtEpochWithoutStart() throws {
        #expect(try Schedule.parse("rate:7 seconds").fires(after: "1970-01-01T00:00:00Z", count: 2)
            == ["1970-01-01T00:00:07Z", "1970-01-01T00:00:14Z"])
        #expect(try Schedule.parse("rate:2 hours").fires(after: "2026-12-04T19:10:00Z", count: 2)
            == ["2026-12-04T20:00:00Z", "2026-12-04T22:00:00Z"])
    }

    @Test func keepsFractionOfStart() throws {
        let schedule = try Schedule.parse("rate:1 second")
        let start = Date(timeIntervalSince1970: 1_796_411_400.25)
        let fires = schedule.nextFires(after: start, count: 2, start: start)
        #expect(fires.map(\.timeIntervalSince1970) == [1_796_411_401.25, 1_796_411_402.25])
    }

    @Test func stopsAtEnd() throws {
        #expect(try Schedule.parse("rate:1 day").fires(after: "2026-12-01T00:00:00Z", count: 5,
                                                        start: "2026-12-01T06:00:00Z", end: "2026-12-03T06:00:00Z")
            == ["2026-12-01T06:00:00Z", "2026-12-02T06:00:00Z", "2026-12-03T06:00:00Z"])
    }

    @Test func daysAreElapsedTimeInEveryZone() throws {
        // A day is 86,400 seconds: across New York's spring-forward the local time moves.
        #expect(try Schedule.parse("rate:1 day").fires(after: "2026-03-07T00:00:00Z", count: 3,
                                                        zone: "America/New_York", start: "2026-03-07T05:00:00Z")
            == ["2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T05:00:00Z"])
    }

    @Test func acceptsSingularPluralAndCase() throws {
        for text in ["rate:1 minute", "rate:1 minutes", "rate: 1  Minute", "rate:60 seconds"] {
            let schedule = try Schedule.parse(text)
            #expect(try schedule.fires(after: "2026-12-04T19:10:00Z", count: 1) == ["2026-12-04T19:11:00Z"], "\(text)")
        }
    }

    @Test func intervalsNeverDrift() throws {
        // Repeated floating-point steps must land exactly on anchor + k * interval.
        let schedule = try Schedule.parse("rate:3 seconds")
        let start = Date(timeIntervalSince1970: 1_796_411_400.1)
        let fires = schedule.nextFires(after: start, count: 10_000, start: start)
        #expect(fires.count == 10_000)
        for (index, fire) in fires.enumerated() {
            #expect(abs(fire.timeIntervalSince1970 - (1_796_411_400.1 + Double(3 * (index + 1)))) < 1e-6)
        }
    }

    static let hint = "write rate:N unit with N a whole number of 1 or more and unit second(s), minute(s), hour(s) or day(s), e.g. rate:5 minutes"

    @Test(arguments: [
        ("rate:0 minutes", "rate: '0' is not a valid count; \(hint)"),
        ("rate:-5 minutes", "rate: '-5' is not a valid count; \(hint)"),
        ("rate:five minutes", "rate: 'five' is not a valid count; \(hint)"),
        ("rate:5 weeks", "rate: '5 weeks' is not a valid rate; \(hint)"),
        ("rate:5", "rate: '5' is not a valid rate; \(hint)"),
        ("rate:", "rate: '' is not a valid rate; \(hint)"),
        ("rate:5 minutes later", "rate: '5 minutes later' is not a valid rate; \(hint)"),
        ("rate:40000 days", "rate: 40000 days is longer than the maximum of 100 years (36525 days)"),
        ("rate:99999999999999999999 seconds", "rate: '99999999999999999999' is not a valid count; \(hint)"),
    ])
    func rejects(schedule: String, message: String) {
        #expect(throws: ScheduleError(message)) {
            try Schedule.parse(schedule)
        }
    }
}
