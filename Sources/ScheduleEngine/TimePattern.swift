/// A compiled calendar schedule: the set of wall-clock times it selects, as bit masks.
///
/// `nextMatch(atOrAfter:)` works on local seconds, a wall-clock time counted as if it were
/// UTC (seconds since 1970-01-01T00:00:00 on the local clock), and ignores time zones.
/// `TimePattern+Zone.swift` maps its results to instants.
struct TimePattern: Sendable, Equatable {
    /// Bits 0...59.
    let seconds: UInt64
    /// Bits 0...59.
    let minutes: UInt64
    /// Bits 0...23.
    let hours: UInt64
    /// Bits 0...6, 0 being Monday.
    let weekdays: UInt64
    /// ISO week numbers, bits 1...53.
    let weeks: UInt64
    let days: DayRule
    /// Bits 1...12.
    let months: UInt64
    let years: YearSet
    /// True when a day matches if either the day or the weekday field matches (classic cron
    /// with both fields restricted); false when both must match.
    let daysOrWeekdays: Bool

    private let checksWeeks: Bool
    private let selectsEveryDay: Bool

    static let allWeekdays = UInt64.bits(0, through: 6)
    static let allWeeks = UInt64.bits(1, through: 53)

    init(seconds: UInt64, minutes: UInt64, hours: UInt64, weekdays: UInt64, weeks: UInt64, days: DayRule,
         months: UInt64, years: YearSet, daysOrWeekdays: Bool = false) {
        self.seconds = seconds
        self.minutes = minutes
        self.hours = hours
        self.weekdays = weekdays
        self.weeks = weeks
        self.days = days
        self.months = months
        self.years = years
        self.daysOrWeekdays = daysOrWeekdays
        checksWeeks = weeks & Self.allWeeks != Self.allWeeks
        selectsEveryDay = !checksWeeks && !daysOrWeekdays && days.selectsEveryDay
            && weekdays & Self.allWeekdays == Self.allWeekdays
    }

    /// Returns the first selected local second at or after `localSecond`, or nil when the
    /// pattern selects nothing from there to the end of year 9999.
    func nextMatch(atOrAfter localSecond: Int64) -> Int64? {
        let start = max(localSecond, 0)
        var dayNumber = Int(start / CivilCalendar.secondsPerDay)
        var secondOfDay = Int(start % CivilCalendar.secondsPerDay)
        while let day = nextDay(atOrAfter: dayNumber) {
            if day != dayNumber { secondOfDay = 0 }
            if let second = nextSecondOfDay(atOrAfter: secondOfDay) {
                return Int64(day) * CivilCalendar.secondsPerDay + Int64(second)
            }
            dayNumber = day + 1
            secondOfDay = 0
        }
        return nil
    }

    /// Returns the first selected second of a day at or after `secondOfDay`, or nil when the
    /// rest of the day has none.
    func nextSecondOfDay(atOrAfter secondOfDay: Int) -> Int? {
        var hour = secondOfDay / 3_600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        while let nextHour = hours.nextSetBit(from: hour) {
            if nextHour != hour {
                (hour, minute, second) = (nextHour, 0, 0)
            }
            while let nextMinute = minutes.nextSetBit(from: minute) {
                if nextMinute != minute {
                    (minute, second) = (nextMinute, 0)
                }
                if let nextSecond = seconds.nextSetBit(from: second) {
                    return hour * 3_600 + minute * 60 + nextSecond
                }
                (minute, second) = (minute + 1, 0)
            }
            (hour, minute, second) = (hour + 1, 0, 0)
        }
        return nil
    }

    /// Returns the first selected day number at or after `dayNumber`, or nil when there is
    /// none up to the end of year 9999.
    func nextDay(atOrAfter dayNumber: Int) -> Int? {
        var (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        while let nextYear = years.year(atOrAfter: year) {
            if nextYear != year {
                (year, month, day) = (nextYear, 1, 1)
            }
            guard let nextMonth = months.nextSetBit(from: month) else {
                (year, month, day) = (year + 1, 1, 1)
                continue
            }
            if nextMonth != month {
                (month, day) = (nextMonth, 1)
            }

            let firstDay = CivilCalendar.dayNumber(year: year, month: month, day: 1)
            let mask = dayMask(year: year, month: month, firstDay: firstDay)
            if let selected = mask.nextSetBit(from: day) {
                return firstDay + selected - 1
            }

            (month, day) = (month + 1, 1)
            if month > 12 {
                (year, month) = (year + 1, 1)
            }
        }
        return nil
    }

    /// Returns the selected days of one month as bits 1...31.
    func dayMask(year: Int, month: Int, firstDay: Int) -> UInt64 {
        let length = CivilCalendar.daysInMonth(month, year: year)
        if selectsEveryDay {
            return UInt64.bits(1, through: length)
        }
        let firstWeekday = CivilCalendar.weekday(dayNumber: firstDay)
        var mask = days.mask(length: length, firstWeekday: firstWeekday)
        let weekdayMask = weekdayPattern(firstWeekday: firstWeekday)
        if daysOrWeekdays {
            mask |= weekdayMask
        } else {
            mask &= weekdayMask
        }
        if checksWeeks {
            mask &= weekMask(firstDay: firstDay, length: length)
        }
        return mask & UInt64.bits(1, through: length)
    }

    /// Returns the days 1...35 of a month whose weekday is selected, given the weekday of day 1.
    private func weekdayPattern(firstWeekday: Int) -> UInt64 {
        // Rotate so that bit k is the weekday of day k + 1, then repeat the week five times.
        let shift = UInt64(firstWeekday)
        let week = ((weekdays >> shift) | (weekdays << (7 - shift))) & Self.allWeekdays
        let month = week | week << 7 | week << 14 | week << 21 | week << 28
        return month << 1
    }

    /// Returns the days of a month whose ISO week number is selected.
    private func weekMask(firstDay: Int, length: Int) -> UInt64 {
        var mask: UInt64 = 0
        let lastDay = firstDay + length - 1
        var weekStart = firstDay
        while weekStart <= lastDay {
            let weekEnd = min(weekStart + 6 - CivilCalendar.weekday(dayNumber: weekStart), lastDay)
            if weeks.hasBit(CivilCalendar.isoWeek(dayNumber: weekStart)) {
                mask |= UInt64.bits(weekStart - firstDay + 1, through: weekEnd - firstDay + 1)
            }
            weekStart = weekEnd + 1
        }
        return mask
    }
}
