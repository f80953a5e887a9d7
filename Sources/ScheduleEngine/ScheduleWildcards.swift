/// The `?` wildcard: a second, minute or hour field written as `?` means "any one value".
/// It is replaced by a random value in range before the schedule is stored, so that jobs
/// written alike do not all fire at the same moment.
///
/// `? */5` becomes, for example, `9 */5`. In `cron:` schedules the minute and hour fields
/// take `?` the same way. Only a field that is exactly `?` is replaced; anything else,
/// including invalid text, is returned unchanged for `Schedule.parse` to judge.
public enum ScheduleWildcards {
    /// Replaces `?` in the second, minute and hour fields with random in-range values.
    public static func fill<G: RandomNumberGenerator>(_ text: String, using generator: inout G) -> String {
        var bytes = Array(text.utf8)
        let bodyStart = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) ?? bytes.count
        let body = String(decoding: bytes[bodyStart...], as: UTF8.self)
        let offset: Int
        let upperBounds: [Int]
        if body.hasPrefix(CronParser.prefix) {
            offset = bodyStart + CronParser.prefix.utf8.count
            upperBounds = [59, 23]
        } else if body.hasPrefix(RateRule.prefix) {
            return text
        } else {
            offset = 0
            upperBounds = [59, 59, 23]
        }

        let fields = ScheduleParser.splitFields(Array(bytes[offset...]))
        // Replace from the right so that earlier ranges stay valid.
        for (index, field) in fields.prefix(upperBounds.count).enumerated().reversed()
        where field.count == 1 && bytes[offset + field.lowerBound] == UInt8(ascii: "?") {
            let value = Int.random(in: 0...upperBounds[index], using: &generator)
            let position = offset + field.lowerBound
            bytes.replaceSubrange(position..<position + 1, with: Array(String(value).utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces `?` in the second, minute and hour fields with random in-range values from
    /// the system's random number generator.
    public static func fill(_ text: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return fill(text, using: &generator)
    }
}
