// Measures the schedule engine: next-fire computations and parses per second on one core.
// Run by scripts/bench/schedule.sh; prints one line per figure with its target beside it.
import Foundation
import ScheduleEngine

/// Runs `body` repeatedly for about `seconds` of wall-clock time and returns calls per second.
func rate(seconds: Double = 1.0, _ body: () -> Int) -> Double {
    let clock = ContinuousClock()
    var calls = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .seconds(seconds) {
        calls += body()
        elapsed = clock.now - start
    }
    let (wholeSeconds, attoseconds) = elapsed.components
    return Double(calls) / (Double(wholeSeconds) + Double(attoseconds) * 1e-18)
}

func report(_ label: String, _ perSecond: Double, target: Double) {
    let verdict = perSecond >= target ? "meets" : "MISSES"
    print("\(label): \(Int(perSecond)) per second (target >= \(Int(target)), \(verdict))")
}

/// Chains next-fire computations from 2026-01-01, restarting there each batch so that the
/// search never leaves the cached zone table.
func nextFireRate(_ text: String, zone: String) throws -> Double {
    let schedule = try Schedule.parse(text)
    let timeZone = try ScheduleTimeZone(identifier: zone)
    let origin = Date(timeIntervalSince1970: 1_767_225_600)
    var checksum = 0.0
    let perSecond = rate {
        var instant = origin
        for _ in 0..<1_000 {
            instant = schedule.nextFire(after: instant, in: timeZone, start: nil, end: nil) ?? origin
        }
        checksum += instant.timeIntervalSince1970
        return 1_000
    }
    precondition(checksum > 0)
    return perSecond
}

let parseSamples = [
    "0 */15", "0 30 9 mon-fri", "* */5", "0 0 0 * * 1 9", "0 0 12 * * last_fri",
    "0 0,30 8-18 mon-fri * * jan-jun/2", "30 15 2 * 1-52/2 2nd_mon,last 1-12 2026-2030",
    "cron:*/15 9-17 * * 1-5", "rate:5 minutes",
]

func parseRate() throws -> Double {
    var accepted = 0
    let perSecond = rate {
        for text in parseSamples where (try? Schedule.parse(text)) != nil {
            accepted += 1
        }
        return parseSamples.count
    }
    precondition(accepted > 0)
    return perSecond
}

/// Returns the mean time in microseconds of a search that finds no fire time: 30 February
/// never exists, so the search runs through every month to year 9999.
func neverFiringSearchMicroseconds() throws -> Double {
    let schedule = try Schedule.parse("0 0 0 * * 30 2")
    let timeZone = try ScheduleTimeZone(identifier: "America/New_York")
    var misses = 0
    let perSecond = rate {
        if schedule.nextFire(after: Date(timeIntervalSince1970: 0), in: timeZone, start: nil, end: nil) == nil {
            misses += 1
        }
        return 1
    }
    precondition(misses > 0)
    return 1_000_000 / perSecond
}

do {
    report("next fire, '0 */15' in UTC", try nextFireRate("0 */15", zone: "UTC"), target: 1_000_000)
    report("next fire, '0 30 9 mon-fri' in America/New_York",
           try nextFireRate("0 30 9 mon-fri", zone: "America/New_York"), target: 1_000_000)
    report("parse, mix of \(parseSamples.count) schedules", try parseRate(), target: 200_000)
    let never = try neverFiringSearchMicroseconds()
    print("search that finds nothing, '0 0 0 * * 30 2' in America/New_York: \(Int(never)) microseconds (no target)")
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
