/// The years a schedule may fire in, from 1970 to 9999.
enum YearSet: Sendable, Equatable {
    case any
    case ranges([StepRange])

    static let first = 1970
    static let last = 9999

    /// Returns the first year of the set at or after `year`, or nil when there is none.
    func year(atOrAfter year: Int) -> Int? {
        let year = max(year, Self.first)
        guard year <= Self.last else { return nil }
        switch self {
        case .any:
            return year
        case .ranges(let ranges):
            var best: Int?
            for range in ranges {
                if let candidate = range.value(atOrAfter: year), candidate < best ?? .max {
                    best = candidate
                }
            }
            return best
        }
    }
}
