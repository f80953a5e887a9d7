/// The values `first`, `first + step`, ... up to `last` of one schedule field expression.
struct StepRange: Sendable, Equatable {
    var first: Int
    var last: Int
    var step: Int

    /// Returns the smallest value of the range at or after `value`, or nil when there is none.
    func value(atOrAfter value: Int) -> Int? {
        if value <= first { return first }
        if value > last { return nil }
        let candidate = first + (value - first + step - 1) / step * step
        return candidate <= last ? candidate : nil
    }

    /// The range's values as bits of a mask (bit n set for value n); values must be below 64.
    var mask: UInt64 {
        var mask: UInt64 = 0
        for value in stride(from: first, through: last, by: step) {
            mask |= 1 << UInt64(value)
        }
        return mask
    }
}
