import Foundation
import Testing
import ScheduleEngine

/// Random schedules checked against definitions rather than examples: fire times increase,
/// each matches every field read on its own, and none is missed next to a brute-force scan.
/// Every test uses fixed seeds and names the seed and schedule in its failures.
@Suite struct SchedulePropertyTests {
    static let zones = ["UTC", "America/New_York", "Australia/Lord_Howe", "Europe/London", "America/Santiago",
                        "Pacific/Chatham", "Asia/Kathmandu", "Pacific/Apia", "Europe/Dublin"]

    /// Picks one of `choices`, the first one with probability `firstWeight`.
    static func pick(_ choices: [String], firstWeight: Double = 0, using generator: inout SeededGenerator) -> String {
        if Double.random(in: 0..<1, using: &generator) < firstWeight { return choices[0] }
        return choices.randomElement(using: &generator)!
    }

    /// Returns a random native schedule with every field written out, firing often within a day.
    static func denseSchedule(using generator: inout SeededGenerator) -> String {
        [
            pick(["0", "*/15", "30", "0-10/5", "*/60", "7,37", "*", "1/20"], using: &generator),
            pick(["*/5", "*", "0,30", "15-45/15", "59", "0-10", "*/7", "1/2", "0"], using: &generator),
            pick(["*", "1-3", "2", "0-5", "*/2", "1,2,3", "23,0,1", "0-3/2"], using: &generator),
            pick(["*", "mon-fri", "sun", "sat,sun", "*/2", "0-4"], firstWeight: 0.7, using: &generator),
            pick(["*", "1-52", "*/2"], firstWeight: 0.8, using: &generator),
            pick(["*", "last", "1-15", "last_sun", "1st_sun,2nd_sun", "*/2", "5-31"], firstWeight: 0.7, using: &generator),
            pick(["*", "mar,apr", "1-12/2", "oct-dec", "sep-nov", "jan-jun/2"], firstWeight: 0.7, using: &generator),
            pick(["*", "2000-2040", "*/2"], firstWeight: 0.8, using: &generator),
        ].joined(separator: " ")
    }

    /// Returns a random native schedule using every kind of day expression, firing a few
    /// times a month at most. Its second is 0 and its minutes are multiples of 15.
    static func sparseSchedule(using generator: inout SeededGenerator) -> String {
        [
            "0",
            pick(["0", "*/15", "30", "0,45"], using: &generator),
            pick(["0", "2", "1-3", "*/6", "12", "23", "0,1,2"], using: &generator),
            pick(["*", "mon", "sat,sun", "fri-sun", "*/3", "wed"], firstWeight: 0.5, using: &generator),
            pick(["*", "1-10", "*/2", "53", "1,52,53", "10-20/3"], firstWeight: 0.7, using: &generator),
            pick(["*", "last", "1", "last_fri", "5th_mon", "2nd_tue,last", "29-31", "*/10", "1st_sun", "31"],
                 firstWeight: 0.2, using: &generator),
            pick(["*", "feb", "2", "mar,oct", "1-12/5", "nov-dec", "apr-oct/3"], firstWeight: 0.5, using: &generator),
            pick(["*", "1990-2060", "*/3", "2024,2028,2032", "1989-2099/4"], firstWeight: 0.7, using: &generator),
        ].joined(separator: " ")
    }

    /// Runs the engine from `after` and returns every fire time up to and including `until`.
    static func engineFires(_ schedule: Schedule, zone: ScheduleTimeZone, after: Int, until: Int) -> [Int] {
        var fires: [Int] = []
        var cursor = Date(timeIntervalSince1970: Double(after))
        while let fire = schedule.nextFire(after: cursor, in: zone, start: nil, end: nil),
              fire.timeIntervalSince1970 <= Double(until) {
            fires.append(Int(fire.timeIntervalSince1970))
            cursor = fire
        }
        return fires
    }

    /// Returns every instant in `after + 1 ... until`, stepping by `step` seconds from a
    /// multiple of `step`, whose wall-clock time in `zone` the reference matcher accepts.
    static func scannedFires(_ matcher: ReferenceMatcher, zone: TimeZone, after: Int, until: Int, step: Int) -> [Int] {
        var fires: [Int] = []
        var instant = (after / step + 1) * step
        while instant <= until {
            if matcher.matches(LocalTime(instant: instant, zone: zone)) {
                fires.append(instant)
            }
            instant += step
        }
        return fires
    }

    /// Offset transitions of `zone` between two instants, from Foundation.
    static func transitions(of zone: TimeZone, from: Int, to: Int) -> [Int] {
        var result: [Int] = []
        var cursor = Date(timeIntervalSince1970: Double(from))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < Double(to) {
            result.append(Int(next.timeIntervalSince1970))
            cursor = next
        }
        return result
    }

    @Test(arguments: zip(zones, UInt64(1)...UInt64(zones.count)))
    func agreesWithSecondScanAroundTransitions(zoneName: String, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let zone = try #require(TimeZone(identifier: zoneName))
        let scheduleZone = try ScheduleTimeZone(identifier: zoneName)
        // 2010-01-01 to 2030-01-01, plus Kathmandu's and Apia's one-off changes.
        var anchors = Self.transitions(of: zone, from: 1_262_304_000, to: 1_893_456_000)
        anchors += [504_901_800, 1_325_239_200].filter { _ in zoneName != "UTC" }
        anchors.append(Int.random(in: 1_262_304_000..<1_893_456_000, using: &generator))

        // Windows without fires check little, so draw schedules until four windows have some.
        var windowsWithFires = 0
        for _ in 0..<40 where windowsWithFires < 4 {
            let text = Self.denseSchedule(using: &generator)
            let schedule = try Schedule.parse(text)
            let anchor = anchors.randomElement(using: &generator)!
            let after = anchor - Int.random(in: 0...10_800, using: &generator)
            let until = after + 5 * 3_600
            let expected = Self.scannedFires(ReferenceMatcher(text), zone: zone, after: after, until: until, step: 1)
            let actual = Self.engineFires(schedule, zone: scheduleZone, after: after, until: until)
            #expect(actual == expected, "seed \(seed), '\(text)' in \(zoneName) after \(after)")
            windowsWithFires += expected.isEmpty ? 0 : 1
        }
        #expect(windowsWithFires == 4, "seed \(seed) in \(zoneName)")
    }

    @Test(arguments: zip(zones, UInt64(101)...UInt64(100 + zones.count)))
    func agreesWithQuarterHourScanOverMonths(zoneName: String, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let zone = try #require(TimeZone(identifier: zoneName))
        let scheduleZone = try ScheduleTimeZone(identifier: zoneName)
        // Every offset of these zones since 1986 is a multiple of 15 minutes, so a schedule at
        // second 0 of minutes 0, 15, 30 or 45 only fires at instants that are multiples of 900.
        var windowsWithFires = 0
        for _ in 0..<30 where windowsWithFires < 3 {
            let text = Self.sparseSchedule(using: &generator)
            let schedule = try Schedule.parse(text)
            let after = Int.random(in: 536_457_600..<2_524_608_000, using: &generator) / 900 * 900
            let until = after + 400 * 86_400
            let expected = Self.scannedFires(ReferenceMatcher(text), zone: zone, after: after, until: until, step: 900)
            let actual = Self.engineFires(schedule, zone: scheduleZone, after: after, until: until)
            #expect(actual == expected, "seed \(seed), '\(text)' in \(zoneName) after \(after)")
            windowsWithFires += expected.isEmpty ? 0 : 1
        }
        #expect(windowsWithFires == 3, "seed \(seed) in \(zoneName)")
    }

    @Test(arguments: UInt64(1000)..<UInt64(1040))
    func fireTimesIncreaseAndMatchEveryField(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let zoneName = Self.zones.randomElement(using: &generator)!
        let zone = try #require(TimeZone(identifier: zoneName))
        let text = Bool.random(using: &generator)
            ? Self.denseSchedule(using: &generator) : Self.sparseSchedule(using: &generator)
        let schedule = try Schedule.parse(text)
        let matcher = ReferenceMatcher(text)
        let start = Date(timeIntervalSince1970: Double(Int.random(in: 0..<3_000_000_000, using: &generator)))

        let fires = schedule.nextFires(after: start, count: 300, in: try ScheduleTimeZone(identifier: zoneName))
        var previous = start
        for fire in fires {
            #expect(fire > previous, "seed \(seed), '\(text)' in \(zoneName)")
            #expect(fire.timeIntervalSince1970 == fire.timeIntervalSince1970.rounded(), "seed \(seed), '\(text)'")
            let time = LocalTime(instant: Int(fire.timeIntervalSince1970), zone: zone)
            #expect(matcher.matches(time), "seed \(seed), '\(text)' in \(zoneName) fired at \(time)")
            previous = fire
        }
    }
}
