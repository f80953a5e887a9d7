import Foundation
import Testing
@testable import Host

@Suite struct NextRunsCommandTests {
    /// 2026-12-04T19:05:00Z.
    let now = Date(timeIntervalSince1970: 1_796_411_100)

    func run(_ arguments: String...) -> NextRunsCommand.Output {
        NextRunsCommand.execute(arguments: arguments, now: now)
    }

    @Test func listsFiveRunsAfterNow() {
        let output = run("0 */15")
        #expect(output.status == 0)
        #expect(output.standardOutput == """
            2026-12-04T19:15:00Z
            2026-12-04T19:30:00Z
            2026-12-04T19:45:00Z
            2026-12-04T20:00:00Z
            2026-12-04T20:15:00Z

            """)
        #expect(output.standardError.isEmpty)
    }

    @Test func readsScheduleInTimeZone() {
        let output = run("0 30 9 mon-fri", "--timezone", "America/New_York", "--after", "2026-03-06T00:00:00Z",
                         "--count", "3")
        #expect(output.status == 0)
        // Friday 6 March in EST, then Monday 9 March in EDT (the clocks moved on the 8th).
        #expect(output.standardOutput == "2026-03-06T14:30:00Z\n2026-03-09T13:30:00Z\n2026-03-10T13:30:00Z\n")
    }

    @Test func printsJSONArray() {
        let output = run("--json", "--count=2", "--after=2026-12-04T19:10:00Z", "0 0 0")
        #expect(output.status == 0)
        #expect(output.standardOutput == "[\"2026-12-05T00:00:00Z\",\"2026-12-06T00:00:00Z\"]\n")
    }

    @Test func boundsByStartAndEnd() {
        let output = run("0 0 12", "--after", "2026-01-01T00:00:00Z", "--start", "2026-01-03T12:00:00Z",
                         "--end", "2026-01-04T12:00:00Z", "--count", "5")
        #expect(output.status == 0)
        #expect(output.standardOutput == "2026-01-03T12:00:00Z\n2026-01-04T12:00:00Z\n")
        #expect(output.standardError == "note: the schedule has no further fire time after 2026-01-04T12:00:00Z\n")
    }

    @Test func acceptsExtraForms() {
        #expect(run("cron:0 9 * * 1", "--count", "1").standardOutput == "2026-12-07T09:00:00Z\n")
        #expect(run("rate:90 minutes", "--start", "2026-12-04T18:00:00Z", "--count", "2").standardOutput
            == "2026-12-04T19:30:00Z\n2026-12-04T21:00:00Z\n")
    }

    @Test func emptyResultPrintsEmptyJSON() {
        let output = run("0 0 0 * * 30 2", "--json")
        #expect(output.status == 0)
        #expect(output.standardOutput == "[]\n")
        #expect(output.standardError.contains("no further fire time"))
    }

    @Test func invalidScheduleExitsWithParserError() {
        let output = run("0 0 24")
        #expect(output.status == 2)
        #expect(output.standardOutput.isEmpty)
        #expect(output.standardError == "error: hour: 24 is out of range 0..23\n")
    }

    @Test func unknownTimeZoneExits2() {
        let output = run("0 */15", "--timezone", "Mars/Olympus_Mons")
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown time zone 'Mars/Olympus_Mons'"))
    }

    @Test func badOptionsExit2() {
        let cases: [([String], String)] = [
            (["0 */15", "--count", "0"], "error: --count '0' must be a whole number from 1 to 1000"),
            (["0 */15", "--count", "many"], "error: --count 'many' must be a whole number from 1 to 1000"),
            (["0 */15", "--after", "yesterday"], "error: --after 'yesterday' is not an ISO-8601 instant"),
            (["0 */15", "--end", "2026-02-30"], "error: --end '2026-02-30' is not an ISO-8601 instant"),
            (["0 */15", "--verbose"], "error: unknown option '--verbose'"),
            (["0 */15", "--timezone"], "error: missing value for --timezone"),
            (["--json"], "error: missing SCHEDULE; give the schedule to check"),
            (["0", "*/15"], "error: unexpected argument '*/15' after the schedule '0'; quote the schedule"),
        ]
        for (arguments, message) in cases {
            let output = NextRunsCommand.execute(arguments: arguments, now: now)
            #expect(output.status == 2, "\(arguments)")
            #expect(output.standardError.hasPrefix(message), "\(arguments)")
            #expect(output.standardOutput.isEmpty, "\(arguments)")
        }
    }

    @Test func helpPrintsUsage() {
        let output = run("--help")
        #expect(output.status == 0)
        #expect(output.standardOutput.hasPrefix("usage: ecs-scheduler next-runs SCHEDULE"))
    }

    @Test func formatsFractionalInstants() {
        #expect(NextRunsCommand.formatInstant(Date(timeIntervalSince1970: 1_796_411_400)) == "2026-12-04T19:10:00Z")
        #expect(NextRunsCommand.formatInstant(Date(timeIntervalSince1970: 1_796_411_400.5))
            == "2026-12-04T19:10:00.500000Z")
    }
}
