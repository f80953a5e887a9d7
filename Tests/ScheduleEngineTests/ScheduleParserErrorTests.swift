import Testing
import ScheduleEngine

@Suite struct ScheduleParserErrorTests {
    static let cases: [(schedule: String, message: String)] = [
        ("", "schedule is empty; write at least the second field, e.g. '0 */15' for second 0 of every 15th minute"),
        ("   ", "schedule is empty; write at least the second field, e.g. '0 */15' for second 0 of every 15th minute"),
        ("0 0 0 * * * * * *",
         "schedule has 9 fields but at most 8 are allowed: second minute hour day_of_week week day month year"),
        ("0 0 24", "hour: 24 is out of range 0..23"),
        ("60", "second: 60 is out of range 0..59"),
        ("0 0 20-25", "hour: 25 in '20-25' is out of range 0..23"),
        ("0 0 99999999999999999999", "hour: 99999999999999999999 is out of range 0..23"),
        ("0 0 0 7", "day_of_week: 7 is out of range 0..6"),
        ("0 0 0 * 0", "week: 0 is out of range 1..53"),
        ("0 0 0 * * 32", "day: 32 is out of range 1..31"),
        ("0 0 0 * * 1 1 24", "year: 24 is out of range 1970..9999"),
        ("0 0 0 * * 1 1 2020/0", "year: step 0 in '2020/0' is invalid; a step must be 1 or more"),
        ("*/0", "second: step 0 in '*/0' is invalid; a step must be 1 or more"),
        ("0 5-1",
         "minute: range '5-1' starts after it ends; write the smaller value first, or split a range that wraps around into two (5-59,0-1)"),
        ("0 0 0 fri-mon",
         "day_of_week: range 'fri-mon' starts after it ends; write the smaller value first, or split a range that wraps around into two (fri-sun,mon)"),
        ("0 0 0 * * 1 janu", "month: 'janu' is not a month name; use jan..dec or 1..12"),
        ("0 0 0 xyz", "day_of_week: 'xyz' is not a weekday name; use mon..sun or 0..6 (0 = Monday)"),
        ("0 0 0 * * 1 mon", "month: 'mon' is not a month name; use jan..dec or 1..12"),
        ("0 0 0 * * 1 last", "month: 'last' is not a month name; use jan..dec or 1..12"),
        ("0 0 mon",
         "hour: 'mon' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 0..23"),
        ("0 0 0 * mon",
         "week: 'mon' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 1..53"),
        ("every day",
         "second: 'every' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 0..59"),
        ("-1",
         "second: '-1' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 0..59"),
        ("0 0 0 mon-4", "day_of_week: 'mon-4' mixes a name and a number; write both ends as names or both as numbers"),
        ("0 0 0 fri#2",
         "day_of_week: 'fri#2' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values mon..sun or 0..6 (0 = Monday)"),
        ("0 0 0 * * lastday",
         "day: 'lastday' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n, last, last_fri, 1st_fri to 5th_fri or a comma-separated list of these, with values 1..31"),
        ("0 0 0 * * L",
         "day: 'L' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n, last, last_fri, 1st_fri to 5th_fri or a comma-separated list of these, with values 1..31"),
        ("0 0 0 * * 6th_fri",
         "day: '6th_fri' has no valid ordinal; use 1st, 2nd, 3rd, 4th, 5th or last, as in 2nd_fri or last_fri"),
        ("0 0 0 * * 2nd_xyz", "day: 'xyz' in '2nd_xyz' is not a weekday name; use mon..sun"),
        ("0 0 0 * * 2nd_4", "day: '4' in '2nd_4' is not a weekday name; use mon..sun"),
        ("0 0 1,", "hour: '1,' has an empty list item; remove the extra comma"),
        ("0 0 1,,2", "hour: '1,,2' has an empty list item; remove the extra comma"),
        ("0 */5/2",
         "minute: '*/5/2' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 0..59"),
        ("0 1-2-3",
         "minute: '1-2-3' is not a valid expression; use *, */n, a, a-b, a-b/n, a/n or a comma-separated list of these, with values 0..59"),
        ("? */5", "second: '?' stands for one random value, which is chosen when a job is saved; write a value in 0..59 instead"),
        ("0 0 0 * * ?", "day: '?' (one random value) is only allowed in the second, minute and hour fields"),
    ]

    @Test(arguments: cases)
    func rejects(schedule: String, message: String) {
        #expect(throws: ScheduleError(message)) {
            try Schedule.parse(schedule)
        }
    }

    @Test func unknownTimeZoneNamesIt() {
        #expect(throws: ScheduleError(
            "unknown time zone 'Mars/Olympus_Mons'; use an IANA name such as UTC, Europe/London or America/New_York")) {
            try ScheduleTimeZone(identifier: "Mars/Olympus_Mons")
        }
    }

    @Test func errorDescriptionIsMessage() {
        #expect(ScheduleError("hour: 24 is out of range 0..23").description == "hour: 24 is out of range 0..23")
    }
}
