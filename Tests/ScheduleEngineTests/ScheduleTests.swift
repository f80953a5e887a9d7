import Foundation
import Testing
import ScheduleEngine

@Suite struct ScheduleTests {
    @Test func keepsTextAsWritten() throws {
        let schedule = try Schedule.parse(" 0  */15 ")
        #expect(schedule.text == " 0  */15 ")
        #expect(!schedule.isRate)
        #expect(try schedule.fires(after: "2026-12-04T19:10:00Z", count: 1) == ["2026-12-04T19:15:00Z"])
    }

    @Test func equalityFollowsText() throws {
        #expect(try Schedule.parse("0 */15") == Schedule.parse("0 */15"))
        #expect(try Schedule.parse("0 */15") != Schedule.parse("0 0,15,30,45"))
    }

    @Test func stepWiderThanRangeSelectsFirstValue() throws {
        #expect(try Schedule.parse("*/60").fires(after: "2026-12-04T19:10:30Z", count: 2)
            == ["2026-12-04T19:11:00Z", "2026-12-04T19:12:00Z"])
        #expect(try Schedule.parse("0 0 0 * * 1 1 */100").fires(after: "2026-12-04T00:00:00Z", count: 1)
            == ["2070-01-01T00:00:00Z"])
    }

    @Test func stepAfterNameRangeIsHonoured() throws {
        #expect(try Schedule.parse("0 0 0 * * 1 jan-jun/2").fires(after: "2026-12-04T00:00:00Z", count: 3)
            == ["2027-01-01T00:00:00Z", "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z"])
        #expect(try Schedule.parse("0 0 0 mon/3").fires(after: "2026-12-06T00:00:00Z", count: 3)
            == ["2026-12-07T00:00:00Z", "2026-12-10T00:00:00Z", "2026-12-13T00:00:00Z"])
    }

    @Test func impossibleScheduleReturnsNilQuickly() throws {
        let clock = ContinuousClock()
        for text in ["0 0 0 * * 30 2", "0 0 0 * * 31 4,6,9,11", "0 0 0 * * 29 2 */4", "0 0 0 * 53 1 3",
                     "0 0 0 * 1 15-31 6"] {
            let schedule = try Schedule.parse(text)
            for zone in ["UTC", "America/New_York", "Australia/Lord_Howe"] {
                let started = clock.now
                let fire = schedule.nextFire(after: Date(timeIntervalSince1970: 0), in: try ScheduleTimeZone(identifier: zone))
                #expect(fire == nil, "\(text) in \(zone)")
                // Not a speed test: a search that walked every second to year 9999 would never end.
                #expect(clock.now - started < .seconds(10), "\(text) in \(zone)")
            }
        }
    }

    @Test func firesInFarFutureYears() throws {
        // Past the cached zone table (which ends in 2500) offsets come from Foundation directly.
        #expect(try Schedule.parse("0 30 2 * * 1 7 3000").fires(after: "2026-12-04T00:00:00Z", count: 1,
                                                                zone: "America/New_York")
            == ["3000-07-01T06:30:00Z"])
        #expect(try Schedule.parse("59 59 23 * * 31 12 9999").fires(after: "2026-12-04T00:00:00Z", count: 2,
                                                                     zone: "Europe/London")
            == ["9999-12-31T23:59:59Z"])
        #expect(try Schedule.parse("0 30 2 * * 15 3 2500-2600").fires(after: "2026-12-04T00:00:00Z", count: 2,
                                                                       zone: "America/New_York")
            == ["2500-03-15T06:30:00Z", "2501-03-15T06:30:00Z"])
        // 2500-03-14 is the second Sunday of March, so 02:30 falls in the spring-forward gap.
        #expect(try Schedule.parse("0 30 2 * * 14 3 2500").fires(after: "2026-12-04T00:00:00Z", count: 1,
                                                                  zone: "America/New_York") == [])
    }

    @Test func searchesFromBeforeEpoch() throws {
        #expect(try Schedule.parse("0 0 0 * * 1 1").fires(after: "1900-01-01T00:00:00Z", count: 1,
                                                          zone: "Asia/Tokyo")
            == ["1969-12-31T15:00:00Z"])
    }

    @Test func nonFiniteInstantsGiveNil() throws {
        let schedule = try Schedule.parse("0")
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(schedule.nextFire(after: .distantFuture) != nil)
        #expect(schedule.nextFire(after: .now, start: Date(timeIntervalSince1970: .nan)) == nil)
    }

    @Test func timeZonesCompareByIdentifier() throws {
        #expect(ScheduleTimeZone.utc.identifier == "UTC")
        #expect(try ScheduleTimeZone(identifier: "UTC") == .utc)
        #expect(try ScheduleTimeZone(identifier: "Europe/Paris").identifier == "Europe/Paris")
        #expect(try ScheduleTimeZone(identifier: "Europe/Paris") == ScheduleTimeZone(identifier: "Europe/Paris"))
        #expect(try ScheduleTimeZone(identifier: "Europe/Paris") != ScheduleTimeZone(identifier: "Europe/Berlin"))
    }

    @Test func timeZonesBuildSafelyInParallel() async throws {
        let names = ["America/Chicago", "Asia/Tehran", "Africa/Casablanca", "Europe/Moscow"]
        let results = await withTaskGroup(of: String?.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let zone = try? ScheduleTimeZone(identifier: names[index % names.count])
                    let fire = try? Schedule.parse("0 0 12").nextFire(after: Date(timeIntervalSince1970: 1_796_411_400),
                                                                     in: zone ?? .utc)
                    return fire.map(TestInstants.format)
                }
            }
            var results: [String?] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 64)
        #expect(!results.contains(nil))
    }
}
