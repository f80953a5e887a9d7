/// Reads classic five-field Unix cron, written after a `cron:` prefix:
/// `minute hour day_of_month month day_of_week`.
///
/// Following crontab(5): Sunday is 0 or 7, names are accepted for months and weekdays, and
/// when both the day-of-month and the day-of-week field are restricted (neither starts with
/// `*`) a day matches if either does. Jobs fire at second 0. The macros `@yearly`,
/// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly` are accepted.
enum CronParser {
    static let prefix = "cron:"
    static let fieldList = "minute hour day_of_month month day_of_week"

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses the text after the prefix.
    static func parse(_ body: String) throws(ScheduleError) -> TimePattern {
        var bytes = Array(body.utf8)
        var fields = ScheduleParser.splitFields(bytes)
        if fields.count == 1, bytes[fields[0].lowerBound] == UInt8(ascii: "@") {
            let name = String(decoding: bytes[fields[0]], as: UTF8.self)
            guard let expansion = macros[name.lowercased()] else {
                throw ScheduleError("cron: '\(name)' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            bytes = Array(expansion.utf8)
            fields = ScheduleParser.splitFields(bytes)
        }
        guard fields.count == FieldSpec.cronFields.count else {
            throw ScheduleError("cron: expected 5 fields (\(fieldList)) but found \(fields.count)")
        }

        let specs = FieldSpec.cronFields
        let minutes = try FieldValues(bytes, field: fields[0], spec: specs[0])
        let hours = try FieldValues(bytes, field: fields[1], spec: specs[1])
        let days = try FieldValues(bytes, field: fields[2], spec: specs[2])
        let months = try FieldValues(bytes, field: fields[3], spec: specs[3])
        let weekdays = try FieldValues(bytes, field: fields[4], spec: specs[4])
        return TimePattern(
            seconds: 1,
            minutes: minutes.mask,
            hours: hours.mask,
            weekdays: mondayFirstWeekdays(weekdays.mask),
            weeks: TimePattern.allWeeks,
            days: days.dayRule,
            months: months.mask,
            years: .any,
            daysOrWeekdays: !days.startsWithStar && !weekdays.startsWithStar
        )
    }

    /// Converts cron weekday bits (0 and 7 = Sunday, 1 = Monday) to the native ones (0 = Monday).
    private static func mondayFirstWeekdays(_ cronMask: UInt64) -> UInt64 {
        let sunday: UInt64 = (cronMask & 1 != 0 || cronMask & (1 << 7) != 0) ? 1 << 6 : 0
        return (cronMask >> 1) & UInt64.bits(0, through: 5) | sunday
    }
}
