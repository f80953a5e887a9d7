import Testing
import ScheduleEngine

@Suite struct CronFormTests {
    @Test func everyQuarterHourOnWorkingHours() throws {
        let schedule = try Schedule.parse("cron:*/15 9-17 * * 1-5")
        // Friday 2026-12-04 17:30, then the weekend is skipped.
        #expect(try schedule.fires(after: "2026-12-04T17:30:00Z", count: 3)
            == ["2026-12-04T17:45:00Z", "2026-12-07T09:00:00Z", "2026-12-07T09:15:00Z"])
    }

    @Test func sundayIsZeroOrSeven() throws {
        let expected = ["2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z"]
        #expect(try Schedule.parse("cron:0 0 * * 0").fires(after: "2026-12-04T00:00:00Z", count: 2) == expected)
        #expect(try Schedule.parse("cron:0 0 * * 7").fires(after: "2026-12-04T00:00:00Z", count: 2) == expected)
        #expect(try Schedule.parse("cron:0 0 * * sun").fires(after: "2026-12-04T00:00:00Z", count: 2) == expected)
        #expect(try Schedule.parse("cron:0 0 * * 5-7").fires(after: "2026-12-04T00:00:00Z", count: 3)
            == ["2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z", "2026-12-11T00:00:00Z"])
    }

    @Test func restrictedDayAndWeekdayAreORed() throws {
        // The 13th of the month or any Friday.
        let schedule = try Schedule.parse("cron:0 0 13 * 5")
        #expect(try schedule.fires(after: "2026-12-01T00:00:00Z", count: 4)
            == ["2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z", "2026-12-18T00:00:00Z"])
    }

    @Test func starredDayFieldIsANDed() throws {
        // crontab(5): a field that starts with * is unrestricted, so */2 leaves the AND rule:
        // odd days that are Fridays.
        let schedule = try Schedule.parse("cron:0 0 */2 * fri")
        #expect(try schedule.fires(after: "2026-12-01T00:00:00Z", count: 3)
            == ["2026-12-11T00:00:00Z", "2026-12-25T00:00:00Z", "2027-01-01T00:00:00Z"])
    }

    @Test func firesAtSecondZero() throws {
        #expect(try Schedule.parse("cron:* * * * *").fires(after: "2026-12-04T19:10:30Z", count: 2)
            == ["2026-12-04T19:11:00Z", "2026-12-04T19:12:00Z"])
    }

    @Test func acceptsNamesInAnyCase() throws {
        #expect(try Schedule.parse("cron:30 12 1 JAN,Jul *").fires(after: "2026-12-04T00:00:00Z", count: 2)
            == ["2027-01-01T12:30:00Z", "2027-07-01T12:30:00Z"])
    }

    @Test func expandsMacros() throws {
        let after = "2026-12-04T19:10:00Z"
        #expect(try Schedule.parse("cron:@hourly").fires(after: after, count: 1) == ["2026-12-04T20:00:00Z"])
        #expect(try Schedule.parse("cron:@daily").fires(after: after, count: 1) == ["2026-12-05T00:00:00Z"])
        #expect(try Schedule.parse("cron:@midnight").fires(after: after, count: 1) == ["2026-12-05T00:00:00Z"])
        #expect(try Schedule.parse("cron:@weekly").fires(after: after, count: 1) == ["2026-12-06T00:00:00Z"])
        #expect(try Schedule.parse("cron:@monthly").fires(after: after, count: 1) == ["2027-01-01T00:00:00Z"])
        #expect(try Schedule.parse("cron:@yearly").fires(after: after, count: 1) == ["2027-01-01T00:00:00Z"])
        #expect(try Schedule.parse("cron:@annually").fires(after: after, count: 1) == ["2027-01-01T00:00:00Z"])
    }

    @Test func followsDSTRules() throws {
        // 02:30 does not exist in New York on 2026-03-08, and 01:30 happens twice on 2026-11-01.
        #expect(try Schedule.parse("cron:30 2 * * *").fires(after: "2026-03-07T12:00:00Z", count: 2,
                                                              zone: "America/New_York")
            == ["2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"])
        #expect(try Schedule.parse("cron:30 1 * * *").fires(after: "2026-10-31T12:00:00Z", count: 3,
                                                              zone: "America/New_York")
            == ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"])
    }

    @Test(arguments: [
        ("cron:*/15 9-17 * *", "cron: expected 5 fields (minute hour day_of_month month day_of_week) but found 4"),
        ("cron:", "cron: expected 5 fields (minute hour day_of_month month day_of_week) but found 0"),
        ("cron:0 0 0 * * *", "cron: expected 5 fields (minute hour day_of_month month day_of_week) but found 6"),
        ("cron:60 * * * *", "cron minute: 60 is out of range 0..59"),
        ("cron:0 0 * * 8", "cron day_of_week: 8 is out of range 0..7"),
        ("cron:0 0 0 * *", "cron day_of_month: 0 is out of range 1..31"),
        ("cron:0 0 * 13 *", "cron month: 13 is out of range 1..12"),
        ("cron:0 0 * * fri-mon",
         "cron day_of_week: range 'fri-mon' starts after it ends; write the smaller value first, or split a range that wraps around into two (fri-sat,sun-mon)"),
        ("cron:0 0 last * *",
         "cron day_of_month: 'last' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 1..31"),
        ("cron:@reboot",
         "cron: '@reboot' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
    ])
    func rejects(schedule: String, message: String) {
        #expect(throws: ScheduleError(message)) {
            try Schedule.parse(schedule)
        }
    }
}
