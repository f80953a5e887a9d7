/// A `rate:N unit` schedule: fires every N seconds, minutes, hours or days of elapsed time
/// from an anchor instant.
struct RateRule: Sendable, Equatable {
    static let prefix = "rate:"
    /// The maximum interval in seconds: 100 years of 365.25 days.
    static let maxInterval: Int64 = 36_525 * CivilCalendar.secondsPerDay

    private static let units: [(names: [String], seconds: Int64)] = [
        (["second", "seconds"], 1), (["minute", "minutes"], 60), (["hour", "hours"], 3_600),
        (["day", "days"], CivilCalendar.secondsPerDay),
    ]

    /// The interval between fires, in seconds.
    let interval: Int64

    /// Parses the text after the prefix, such as `5 minutes`.
    init(parsing body: String) throws(ScheduleError) {
        let words = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let hint = "write rate:N unit with N a whole number of 1 or more and unit second(s), minute(s), hour(s) or day(s), e.g. rate:5 minutes"
        guard words.count == 2, let unit = Self.units.first(where: { $0.names.contains(words[1].lowercased()) }) else {
            throw ScheduleError("rate: '\(body)' is not a valid rate; \(hint)")
        }
        guard words[0].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let count = Int64(words[0]), count >= 1 else {
            throw ScheduleError("rate: '\(words[0])' is not a valid count; \(hint)")
        }
        guard count <= Self.maxInterval / unit.seconds else {
            throw ScheduleError("rate: \(words[0]) \(words[1]) is longer than the maximum of 100 years (36525 days)")
        }
        interval = count * unit.seconds
    }

    /// Returns the first fire time strictly after `instant`: `anchor + k * interval` for the
    /// smallest whole k >= 0 that is later than `instant`.
    func nextFire(after instant: Double, anchor: Double) -> Double {
        if instant < anchor { return anchor }
        let step = Double(interval)
        var candidate = anchor + ((instant - anchor) / step).rounded(.down) * step + step
        // Floating-point rounding can put the candidate one interval too early (on `instant`
        // itself when it was a fire time) or one too late.
        if candidate <= instant { candidate += step }
        if candidate - step > instant, candidate - step >= anchor { candidate -= step }
        return candidate
    }
}
