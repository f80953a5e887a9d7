/// One item of a field's comma-separated list.
enum FieldItem: Sendable, Equatable {
    case values(StepRange)
    /// `last`: the last day of the month.
    case lastDay
    /// `1st x` to `5th x`: the ordinal-th weekday x (0 = Monday) of the month.
    case nthWeekday(ordinal: Int, weekday: Int)
    /// `last x`: the last weekday x of the month.
    case lastWeekday(Int)
}

/// Reads the expression of one field: `*`, `*/n`, `a`, `a-b`, `a-b/n`, `a/n`, names, the
/// day expressions, and comma-separated lists of these.
///
/// Text that is not wholly an expression is rejected: `mon-4`, `fri#2` and `lastday` are
/// errors, never read in part. A step wider than its range is allowed and selects the
/// range's first value.
struct FieldParser {
    /// The UTF-8 bytes of the whole schedule.
    let text: [UInt8]
    /// The field's bytes within `text`.
    let field: Range<Int>
    let spec: FieldSpec

    private static let comma = UInt8(ascii: ","), slash = UInt8(ascii: "/"), dash = UInt8(ascii: "-")
    private static let star = UInt8(ascii: "*"), underscore = UInt8(ascii: "_"), question = UInt8(ascii: "?")
    private static let ordinals = ["1st", "2nd", "3rd", "4th", "5th"]
    /// Numbers are read up to this value; anything larger is out of every field's range.
    private static let numberCeiling = 1_000_000_000

    /// Parses every item of the field and passes it to `body`, in order.
    func forEachItem(_ body: (FieldItem) -> Void) throws(ScheduleError) {
        var start = field.lowerBound
        while true {
            let end = text[start..<field.upperBound].firstIndex(of: Self.comma) ?? field.upperBound
            body(try parseItem(start..<end))
            if end == field.upperBound { return }
            start = end + 1
        }
    }

    private func parseItem(_ item: Range<Int>) throws(ScheduleError) -> FieldItem {
        guard !item.isEmpty else {
            throw error("'\(string(field))' has an empty list item; remove the extra comma")
        }
        if item.count == 1, text[item.lowerBound] == Self.question {
            throw randomValueError()
        }
        if spec.acceptsDayExpressions, let dayItem = try parseDayExpression(item) {
            return dayItem
        }

        var range = item
        var step: Int?
        if let slash = text[item].firstIndex(of: Self.slash) {
            step = try parseStep(slash + 1..<item.upperBound, item: item)
            range = item.lowerBound..<slash
        }
        if range.count == 1, text[range.lowerBound] == Self.star {
            return .values(StepRange(first: spec.bounds.lowerBound, last: spec.bounds.upperBound, step: step ?? 1))
        }
        return .values(try parseRange(range, step: step, item: item))
    }

    /// Parses `a`, `a-b` or the `a` of `a/n`, each end a number or a name.
    private func parseRange(_ range: Range<Int>, step: Int?, item: Range<Int>) throws(ScheduleError) -> StepRange {
        let dash = text[range].firstIndex(of: Self.dash)
        let firstToken = range.lowerBound..<(dash ?? range.upperBound)
        let first = try parseValue(firstToken, item: item)
        guard let dash else {
            try checkBounds(first.value, token: firstToken, item: item)
            let last = step == nil ? first.value : spec.bounds.upperBound
            return StepRange(first: first.value, last: last, step: step ?? 1)
        }

        let lastToken = dash + 1..<range.upperBound
        let last = try parseValue(lastToken, item: item)
        guard first.isName == last.isName else {
            throw error("'\(string(item))' mixes a name and a number; write both ends as names or both as numbers")
        }
        try checkBounds(first.value, token: firstToken, item: item)
        try checkBounds(last.value, token: lastToken, item: item)
        guard first.value <= last.value else {
            throw reversedRangeError(first: first.value, last: last.value, named: first.isName, item: item)
        }
        return StepRange(first: first.value, last: last.value, step: step ?? 1)
    }

    private func parseStep(_ token: Range<Int>, item: Range<Int>) throws(ScheduleError) -> Int {
        guard let step = number(token) else { throw invalidExpressionError(item) }
        guard step > 0 else {
            throw error("step 0 in '\(string(item))' is invalid; a step must be 1 or more")
        }
        return step
    }

    /// Parses one end of a range: digits, or a name when the field has names.
    private func parseValue(_ token: Range<Int>, item: Range<Int>) throws(ScheduleError) -> (value: Int, isName: Bool) {
        if let value = number(token) {
            return (value, false)
        }
        guard !spec.names.isEmpty, !token.isEmpty, text[token].allSatisfy(Self.isLetter) else {
            throw invalidExpressionError(item)
        }
        guard let index = spec.names.firstIndex(where: { equalsIgnoringCase(token, $0) }) else {
            throw unknownNameError(token)
        }
        return (spec.firstNamedValue + index, true)
    }

    /// Parses `last`, `last x` and `1st x` to `5th x` (with `_` for the space); returns nil
    /// for text of another form.
    private func parseDayExpression(_ item: Range<Int>) throws(ScheduleError) -> FieldItem? {
        if equalsIgnoringCase(item, "last") {
            return .lastDay
        }
        guard let underscore = text[item].firstIndex(of: Self.underscore) else { return nil }
        let ordinalToken = item.lowerBound..<underscore
        let weekdayToken = underscore + 1..<item.upperBound

        let ordinal: Int
        if equalsIgnoringCase(ordinalToken, "last") {
            ordinal = 0
        } else if let index = Self.ordinals.firstIndex(where: { equalsIgnoringCase(ordinalToken, $0) }) {
            ordinal = index + 1
        } else {
            throw error("'\(string(item))' has no valid ordinal; use 1st, 2nd, 3rd, 4th, 5th or last, as in 2nd_fri or last_fri")
        }
        guard let weekday = FieldSpec.weekdayNames.firstIndex(where: { equalsIgnoringCase(weekdayToken, $0) }) else {
            throw error("'\(string(weekdayToken))' in '\(string(item))' is not a weekday name; use mon..sun")
        }
        return ordinal == 0 ? .lastWeekday(weekday) : .nthWeekday(ordinal: ordinal, weekday: weekday)
    }

    private func checkBounds(_ value: Int, token: Range<Int>, item: Range<Int>) throws(ScheduleError) {
        guard !spec.bounds.contains(value) else { return }
        let context = token == item ? "" : " in '\(string(item))'"
        throw error("\(string(token))\(context) is out of range \(spec.rangeText)")
    }

    // MARK: Bytes

    /// Returns the value of a run of ASCII digits, capped at `numberCeiling`, or nil when
    /// the token is empty or contains anything else.
    private func number(_ token: Range<Int>) -> Int? {
        guard !token.isEmpty else { return nil }
        var value = 0
        for byte in text[token] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = min(value * 10 + Int(byte - UInt8(ascii: "0")), Self.numberCeiling)
        }
        return value
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    /// Compares a token with a lowercase ASCII word, ignoring the token's case.
    private func equalsIgnoringCase(_ token: Range<Int>, _ word: String) -> Bool {
        guard token.count == word.utf8.count else { return false }
        var index = token.lowerBound
        for expected in word.utf8 {
            let byte = text[index]
            let folded = Self.isLetter(byte) ? byte | 0x20 : byte
            guard folded == expected else { return false }
            index += 1
        }
        return true
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: text[range], as: UTF8.self)
    }

    // MARK: Errors

    private func error(_ text: String) -> ScheduleError {
        ScheduleError("\(spec.name): \(text)")
    }

    private func invalidExpressionError(_ item: Range<Int>) -> ScheduleError {
        error("'\(string(item))' is not a valid expression; \(spec.syntaxHint)")
    }

    private func unknownNameError(_ token: Range<Int>) -> ScheduleError {
        error("'\(string(token))' is not a \(spec.nameKind) name; use \(spec.valueText)")
    }

    private func randomValueError() -> ScheduleError {
        guard spec.acceptsRandomValue else {
            return error("'?' (one random value) is only allowed in the second, minute and hour fields")
        }
        return error("'?' stands for one random value, which is chosen when a job is saved; write a value in \(spec.rangeText) instead")
    }

    /// Explains a reversed range and shows how to split one that was meant to wrap around.
    private func reversedRangeError(first: Int, last: Int, named: Bool, item: Range<Int>) -> ScheduleError {
        func spell(_ value: Int) -> String {
            named ? spec.names[value - spec.firstNamedValue] : String(value)
        }
        func span(_ low: Int, _ high: Int) -> String {
            low == high ? spell(low) : "\(spell(low))-\(spell(high))"
        }
        let lowest = named ? spec.firstNamedValue : spec.bounds.lowerBound
        let highest = named ? spec.firstNamedValue + spec.names.count - 1 : spec.bounds.upperBound
        let split = "\(span(first, highest)),\(span(lowest, last))"
        return error("range '\(string(item))' starts after it ends; write the smaller value first, or split a range that wraps around into two (\(split))")
    }
}
