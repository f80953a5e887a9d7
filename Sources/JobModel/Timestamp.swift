import Foundation

/// ISO-8601 instants as the API and the stores write and read them.
public enum Timestamp {
    /// Formats an instant in UTC as `2026-12-04T19:10:00+00:00` (with `.ffffff` when it has a
    /// fraction of a second), which Python's `datetime.fromisoformat` also reads.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d",
                          Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                          Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros > 0, micros < 1_000_000 {
            text += String(format: ".%06d", micros)
        }
        return text + "+00:00"
    }

    /// Parses an ISO-8601 instant: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, an
    /// offset `±HH:MM` / `±HHMM`, or nothing (UTC). A space may stand for the `T`, and a
    /// bare date `YYYY-MM-DD` means its midnight UTC. Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var scanner = ISO8601Scanner(Array(text.utf8))
        return scanner.instant()
    }
}

/// A small reader of ISO-8601 date-time text for `Timestamp.parse`.
private struct ISO8601Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for _ in 0..<count {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
            index += 1
        }
        return value
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func instant() -> Date? {
        guard let year = digits(4), take(45), let month = digits(2), take(45), let day = digits(2) else {
            return nil
        }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        if index < bytes.count {
            guard take(84) || take(116) || take(32) else { return nil }  // 'T', 't' or ' '
            guard let parsedHour = digits(2), take(58), let parsedMinute = digits(2) else { return nil }
            hour = parsedHour
            minute = parsedMinute
            if take(58) {
                guard let parsedSecond = digits(2) else { return nil }
                second = parsedSecond
                if take(46) || take(44) {  // '.' or ','
                    var scale = 0.1
                    let start = index
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        fraction += Double(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { return nil }
                }
            }
        }
        guard let offset = zoneOffset(), index == bytes.count else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// Reads the UTC offset in seconds, which is 0 when the text ends here.
    mutating func zoneOffset() -> Int? {
        if index == bytes.count || take(90) || take(122) { return 0 }  // end, 'Z' or 'z'
        let sign: Int
        if take(43) { sign = 1 } else if take(45) { sign = -1 } else { return nil }
        guard let hours = digits(2) else { return nil }
        _ = take(58)
        let minutes = digits(2) ?? 0
        guard hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 3_600 + minutes * 60)
    }
}

func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
