/// The day-of-month field: plain days plus the month-relative expressions `last`,
/// `last x` and `1st x` to `5th x`.
struct DayRule: Sendable, Equatable {
    /// Plain days of the month, bit n for day n (1...31).
    var days: UInt64 = 0
    /// Whether `last`, the last day of the month, is selected.
    var lastDay = false
    /// `nth x` expressions, bit `(n - 1) * 7 + x` for the nth weekday x (0 = Monday).
    var nthWeekdays: UInt64 = 0
    /// `last x` expressions, bit x for the last weekday x of the month.
    var lastWeekdays: UInt64 = 0

    static let allDays = UInt64.bits(1, through: 31)

    /// Whether every day of every month is selected, so the field can be skipped.
    var selectsEveryDay: Bool { days & Self.allDays == Self.allDays }

    /// Returns the selected days of one month as bits 1...length.
    ///
    /// - Parameters:
    ///   - length: the number of days in the month.
    ///   - firstWeekday: the weekday of the month's first day, 0 being Monday.
    func mask(length: Int, firstWeekday: Int) -> UInt64 {
        var mask = days
        if lastDay {
            mask |= 1 << UInt64(length)
        }
        if nthWeekdays != 0 {
            for bit in 0..<35 where nthWeekdays.hasBit(bit) {
                let (ordinal, weekday) = bit.quotientAndRemainder(dividingBy: 7)
                let day = 1 + (weekday - firstWeekday + 7) % 7 + ordinal * 7
                if day <= length { mask |= 1 << UInt64(day) }
            }
        }
        if lastWeekdays != 0 {
            let lastWeekday = (firstWeekday + length - 1) % 7
            for weekday in 0..<7 where lastWeekdays.hasBit(weekday) {
                mask |= 1 << UInt64(length - (lastWeekday - weekday + 7) % 7)
            }
        }
        return mask & UInt64.bits(1, through: length)
    }
}
