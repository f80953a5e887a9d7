import Foundation

/// ISO-8601 instants for the tests, read and written with the C library so that the checks
/// do not share code with the engine.
enum TestInstants {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    static func parse(_ text: String) -> Date? {
        let scanner = Scanner(string: text)
        scanner.charactersToBeSkipped = nil
        var parts = tm()
        guard let year = scanner.scanInt(), scanner.scanString("-") != nil,
              let month = scanner.scanInt(), scanner.scanString("-") != nil,
              let day = scanner.scanInt(), scanner.scanString("T") != nil,
              let hour = scanner.scanInt(), scanner.scanString(":") != nil,
              let minute = scanner.scanInt(), scanner.scanString(":") != nil,
              let second = scanner.scanInt() else { return nil }
        var fraction = 0.0
        if scanner.scanString(".") != nil {
            guard let digits = scanner.scanCharacters(from: .decimalDigits) else { return nil }
            fraction = Double("0." + digits) ?? 0
        }
        var offset = 0
        if scanner.scanString("Z") == nil {
            guard let sign = scanner.scanCharacters(from: CharacterSet(charactersIn: "+-")),
                  let hours = scanner.scanInt(), scanner.scanString(":") != nil,
                  let minutes = scanner.scanInt() else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60)
        }
        guard scanner.isAtEnd else { return nil }
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds - offset) + fraction)
    }

    /// Formats a whole-second instant as `YYYY-MM-DDTHH:MM:SSZ`.
    static func format(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let fraction = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
        if fraction > 0 {
            text += String(format: ".%06d", Int((fraction * 1_000_000).rounded()))
        }
        return text + "Z"
    }
}
