/// Date arithmetic on the proleptic Gregorian calendar, counting days from 1970-01-01.
///
/// The conversions are Howard Hinnant's `days_from_civil` and `civil_from_days`, exact for
/// every year the schedule syntax allows (1970...9999) and beyond.
enum CivilCalendar {
    static let secondsPerDay: Int64 = 86_400

    /// Returns the day number of a date, 0 being 1970-01-01.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Returns the year, month (1...12) and day of month of a day number.
    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Returns the weekday of a day number, 0 being Monday and 6 Sunday.
    static func weekday(dayNumber: Int) -> Int {
        // 1970-01-01 was a Thursday (3).
        let remainder = (dayNumber + 3) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// Returns the ISO 8601 week number (1...53) of a day number.
    ///
    /// An ISO week runs Monday to Sunday and belongs to the year that contains its Thursday, so
    /// the first days of January can be in week 52 or 53 and the last days of December in
    /// week 1.
    static func isoWeek(dayNumber: Int) -> Int {
        let thursday = dayNumber - weekday(dayNumber: dayNumber) + 3
        let weekYear = date(dayNumber: thursday).year
        return (thursday - self.dayNumber(year: weekYear, month: 1, day: 1)) / 7 + 1
    }
}
