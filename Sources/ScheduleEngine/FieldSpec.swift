/// The syntax of one schedule field: its name in messages, its range, and which names and
/// special expressions it accepts.
struct FieldSpec: Sendable {
    let name: String
    let bounds: ClosedRange<Int>
    /// Value names, `names[i]` standing for `firstNamedValue + i`; empty when the field takes
    /// numbers only.
    let names: [String]
    let firstNamedValue: Int
    /// The noun for this field's names in messages ("weekday", "month").
    let nameKind: String
    /// Whether `last`, `last x` and `1st x` to `5th x` are accepted (the day field).
    let acceptsDayExpressions: Bool
    /// Whether `?`, a random value filled in by `ScheduleWildcards`, belongs to this field.
    let acceptsRandomValue: Bool
    /// The accepted values, for messages ("1..12 or jan..dec").
    let valueText: String
    /// The accepted syntax, for messages.
    let syntaxHint: String

    init(name: String, bounds: ClosedRange<Int>, names: [String] = [], firstNamedValue: Int = 0,
         nameKind: String = "", acceptsDayExpressions: Bool = false, acceptsRandomValue: Bool = false,
         valueText: String? = nil) {
        self.name = name
        self.bounds = bounds
        self.names = names
        self.firstNamedValue = firstNamedValue
        self.nameKind = nameKind
        self.acceptsDayExpressions = acceptsDayExpressions
        self.acceptsRandomValue = acceptsRandomValue
        let forms = acceptsDayExpressions
            ? "*, */n, a, a-b, a-b/n, a/n, last, last_fri, 1st_fri to 5th_fri"
            : "*, */n, a, a-b, a-b/n, a/n"
        self.valueText = valueText ?? "\(bounds.lowerBound)..\(bounds.upperBound)"
        syntaxHint = "use \(forms) or a comma-separated list of these, with values \(self.valueText)"
    }

    /// The numeric range as messages write it ("0..59").
    var rangeText: String { "\(bounds.lowerBound)..\(bounds.upperBound)" }

    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    // The fields of the native format, in the order they are written.
    static let second = FieldSpec(name: "second", bounds: 0...59, acceptsRandomValue: true)
    static let minute = FieldSpec(name: "minute", bounds: 0...59, acceptsRandomValue: true)
    static let hour = FieldSpec(name: "hour", bounds: 0...23, acceptsRandomValue: true)
    static let dayOfWeek = FieldSpec(name: "day_of_week", bounds: 0...6, names: weekdayNames, nameKind: "weekday",
                                     valueText: "mon..sun or 0..6 (0 = Monday)")
    static let week = FieldSpec(name: "week", bounds: 1...53)
    static let day = FieldSpec(name: "day", bounds: 1...31, acceptsDayExpressions: true)
    static let month = FieldSpec(name: "month", bounds: 1...12, names: monthNames, firstNamedValue: 1,
                                 nameKind: "month", valueText: "jan..dec or 1..12")
    static let year = FieldSpec(name: "year", bounds: YearSet.first...YearSet.last)

    static let nativeFields = [second, minute, hour, dayOfWeek, week, day, month, year]

    // The fields of classic five-field cron (`cron:` schedules).
    static let cronMinute = FieldSpec(name: "cron minute", bounds: 0...59, acceptsRandomValue: true)
    static let cronHour = FieldSpec(name: "cron hour", bounds: 0...23, acceptsRandomValue: true)
    static let cronDayOfMonth = FieldSpec(name: "cron day_of_month", bounds: 1...31)
    static let cronMonth = FieldSpec(name: "cron month", bounds: 1...12, names: monthNames, firstNamedValue: 1,
                                     nameKind: "month", valueText: "jan..dec or 1..12")
    static let cronDayOfWeek = FieldSpec(name: "cron day_of_week", bounds: 0...7,
                                         names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
                                         nameKind: "weekday", valueText: "sun..sat or 0..7 (0 and 7 = Sunday)")

    static let cronFields = [cronMinute, cronHour, cronDayOfMonth, cronMonth, cronDayOfWeek]
}
