/// The values of one field, gathered from its items.
struct FieldValues {
    var mask: UInt64 = 0
    var ranges: [StepRange] = []
    var dayRule = DayRule()
    /// Whether the field's text starts with `*`, which classic cron treats as unrestricted.
    var startsWithStar = false

    /// Parses a field; `field` nil stands for an omitted field, which means `*`.
    init(_ text: [UInt8], field: Range<Int>?, spec: FieldSpec, keepsRanges: Bool = false) throws(ScheduleError) {
        guard let field else {
            startsWithStar = true
            add(.values(StepRange(first: spec.bounds.lowerBound, last: spec.bounds.upperBound, step: 1)),
                keepsRanges: keepsRanges)
            return
        }
        startsWithStar = text[field.lowerBound] == UInt8(ascii: "*")
        var values = self
        try FieldParser(text: text, field: field, spec: spec).forEachItem { item in
            values.add(item, keepsRanges: keepsRanges)
        }
        self = values
    }

    private mutating func add(_ item: FieldItem, keepsRanges: Bool) {
        switch item {
        case .values(let range):
            if keepsRanges {
                ranges.append(range)
            } else {
                mask |= range.mask
                dayRule.days |= range.mask
            }
        case .lastDay:
            dayRule.lastDay = true
        case .nthWeekday(let ordinal, let weekday):
            dayRule.nthWeekdays |= 1 << UInt64((ordinal - 1) * 7 + weekday)
        case .lastWeekday(let weekday):
            dayRule.lastWeekdays |= 1 << UInt64(weekday)
        }
    }

    /// The year set the field's ranges describe.
    var yearSet: YearSet {
        ranges.contains { $0.first <= YearSet.first && $0.last >= YearSet.last && $0.step == 1 } ? .any : .ranges(ranges)
    }
}
