@testable import Scheduler
import Testing

@Suite("Fire heap")
struct FireHeapTests {
    @Test("pops in time order after random changes")
    func randomOperations() {
        var heap = FireHeap()
        var reference: [Int: Double] = [:]
        var generator = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let slot = Int(generator.next() % 500)
            switch generator.next() % 4 {
            case 0:
                heap.remove(slot: slot)
                reference[slot] = nil
            default:
                let time = Double(generator.next() % 1_000_000)
                heap.set(slot: slot, time: time)
                reference[slot] = time
            }
        }
        #expect(heap.count == reference.count)

        var popped: [(time: Double, slot: Int)] = []
        while let top = heap.popTop() { popped.append(top) }
        #expect(popped.count == reference.count)
        #expect(zip(popped, popped.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(popped.allSatisfy { reference[$0.slot] == $0.time })
    }

    @Test("moving a slot later and earlier")
    func moveSlot() {
        var heap = FireHeap()
        heap.set(slot: 0, time: 10)
        heap.set(slot: 1, time: 20)
        heap.set(slot: 2, time: 30)
        heap.set(slot: 0, time: 40)
        #expect(heap.top?.slot == 1)
        heap.set(slot: 2, time: 5)
        #expect(heap.top?.slot == 2)
        #expect(heap.contains(slot: 0))
        heap.remove(slot: 0)
        #expect(!heap.contains(slot: 0))
        #expect(heap.count == 2)
    }
}

/// A small deterministic random number generator, so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
