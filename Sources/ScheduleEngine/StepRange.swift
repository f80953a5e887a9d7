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

extension UInt64 {
    /// Returns the position of the lowest set bit at or above `position`, or nil when there is none.
    @inline(__always)
    func nextSetBit(from position: Int) -> Int? {
        guard position < 64 else { return nil }
        let shifted = self >> UInt64(position)
        return shifted == 0 ? nil : position + shifted.trailingZeroBitCount
    }

    @inline(__always)
    func hasBit(_ position: Int) -> Bool {
        (self >> UInt64(position)) & 1 == 1
    }

    /// Returns a mask with bits `low...high` set.
    @inline(__always)
    static func bits(_ low: Int, through high: Int) -> UInt64 {
        guard high >= low else { return 0 }
        let count = UInt64(high - low + 1)
        let ones: UInt64 = count >= 64 ? .max : (1 << count) - 1
        return ones << UInt64(low)
    }
}
