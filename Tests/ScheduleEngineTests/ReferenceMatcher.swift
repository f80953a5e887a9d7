import Foundation

/// A wall-clock time split into the fields a schedule names, computed with the C library and
/// Foundation rather than the engine's own calendar code.
struct LocalTime: CustomStringConvertible {
    let year, month, day, hour, minute, second: Int
    /// 0 = Monday.
    let weekday: Int
    let daysInMonth: Int
    let local: Int

    /// Splits the wall-clock time of `instant` (seconds since the epoch) in `zone`.
    init(instant: Int, zone: TimeZone) {
        local = instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
        var time = time_t(local)
        var parts = tm()
        gmtime_r(&time, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
        weekday = (Int(parts.tm_wday) + 6) % 7
        var nextMonth = parts
        nextMonth.tm_mon += 1
        nextMonth.tm_mday = 0  // day 0 of the next month is the last day of this one
        var normalised = timegm(&nextMonth)
        var last = tm()
        gmtime_r(&normalised, &last)
        daysInMonth = Int(last.tm_mday)
    }

    /// The ISO 8601 week number, from Foundation's ISO calendar.
    var isoWeek: Int {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.weekOfYear, from: Date(timeIntervalSince1970: Double(local)))
    }

    var description: String {
        String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second)
    }
}

/// Decides whether a wall-clock time matches a native schedule by checking each field on its
/// own, straight from the field text: a plain reading of the syntax that shares no code with
/// the engine's compiled masks.
struct ReferenceMatcher {
    private enum Item {
        case values(low: Int, high: Int, step: Int)
        case lastDay
        case nth(ordinal: Int, weekday: Int)
        case lastWeekday(Int)
    }

    private static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let bounds = [(0, 59), (0, 59), (0, 23), (0, 6), (1, 53), (1, 31), (1, 12), (1970, 9999)]

    let fields: [String]
    private let items: [[Item]]

    /// Reads the fields of a valid native schedule; omitted fields are `*`.
    init(_ schedule: String) {
        var fields = schedule.split(separator: " ").map(String.init)
        fields += Array(repeating: "*", count: 8 - fields.count)
        self.fields = fields
        items = fields.enumerated().map { index, text in
            text.lowercased().split(separator: ",").map { Self.item(String($0), field: index) }
        }
    }

    private static func item(_ text: String, field: Int) -> Item {
        let (low, high) = bounds[field]
        if text == "last" { return .lastDay }
        if text.contains("_") {
            let parts = text.split(separator: "_").map(String.init)
            let weekday = weekdays.firstIndex(of: parts[1])!
            if parts[0] == "last" { return .lastWeekday(weekday) }
            return .nth(ordinal: Int(parts[0].prefix(1))!, weekday: weekday)
        }
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let step = pieces.count == 2 ? Int(pieces[1])! : nil
        if pieces[0] == "*" {
            return .values(low: low, high: high, step: step ?? 1)
        }
        let ends = pieces[0].split(separator: "-").map { value(String($0), field: field) }
        if ends.count == 2 {
            return .values(low: ends[0], high: ends[1], step: step ?? 1)
        }
        return .values(low: ends[0], high: step == nil ? ends[0] : high, step: step ?? 1)
    }

    private static func value(_ text: String, field: Int) -> Int {
        if let number = Int(text) { return number }
        if field == 3 { return weekdays.firstIndex(of: text)! }
        return months.firstIndex(of: text)! + 1
    }

    func matches(_ time: LocalTime) -> Bool {
        matches(0, time.second, time) && matches(1, time.minute, time) && matches(2, time.hour, time)
            && matches(3, time.weekday, time) && matches(5, time.day, time) && matches(6, time.month, time)
            && matches(7, time.year, time) && (fields[4] == "*" || matches(4, time.isoWeek, time))
    }

    private func matches(_ field: Int, _ value: Int, _ time: LocalTime) -> Bool {
        items[field].contains { item in
            switch item {
            case .values(let low, let high, let step):
                return value >= low && value <= high && (value - low) % step == 0
            case .lastDay:
                return time.day == time.daysInMonth
            case .nth(let ordinal, let weekday):
                return time.weekday == weekday && (time.day - 1) / 7 == ordinal - 1
            case .lastWeekday(let weekday):
                return time.weekday == weekday && time.day + 7 > time.daysInMonth
            }
        }
    }
}
