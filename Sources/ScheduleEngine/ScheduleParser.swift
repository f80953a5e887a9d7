/// Reads the native schedule format: up to eight space-separated fields
/// `second minute hour day_of_week week day month year`, omitted fields on the right being `*`.
enum ScheduleParser {
    static let fieldList = "second minute hour day_of_week week day month year"

    static func parse(_ text: String) throws(ScheduleError) -> TimePattern {
        let bytes = Array(text.utf8)
        let fields = splitFields(bytes)
        guard !fields.isEmpty else {
            throw ScheduleError("schedule is empty; write at least the second field, e.g. '0 */15' for second 0 of every 15th minute")
        }
        guard fields.count <= FieldSpec.nativeFields.count else {
            throw ScheduleError("schedule has \(fields.count) fields but at most 8 are allowed: \(fieldList)")
        }

        func values(_ index: Int, keepsRanges: Bool = false) throws(ScheduleError) -> FieldValues {
            try FieldValues(bytes, field: index < fields.count ? fields[index] : nil,
                            spec: FieldSpec.nativeFields[index], keepsRanges: keepsRanges)
        }
        return TimePattern(
            seconds: try values(0).mask,
            minutes: try values(1).mask,
            hours: try values(2).mask,
            weekdays: try values(3).mask,
            weeks: try values(4).mask,
            days: try values(5).dayRule,
            months: try values(6).mask,
            years: try values(7, keepsRanges: true).yearSet
        )
    }

    /// Returns the byte ranges of the whitespace-separated fields of `bytes`.
    static func splitFields(_ bytes: [UInt8]) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            if isSpace, let fieldStart = start {
                fields.append(fieldStart..<index)
                start = nil
            } else if !isSpace, start == nil {
                start = index
            }
        }
        if let start {
            fields.append(start..<bytes.count)
        }
        return fields
    }
}
