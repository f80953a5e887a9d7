/// Bit-mask helpers for the compiled schedule fields, where bit n stands for value n.
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
