/// A binary min-heap of fire times keyed by slot number, with removal and change of any
/// slot's time in O(log n).
///
/// Slots are small integers the caller assigns (an index into its own table of jobs); the
/// heap keeps each slot's position so it never scans.
struct FireHeap {
    private struct Element {
        /// Seconds since 1970, as `Date.timeIntervalSince1970`.
        var time: Double
        var slot: Int32
    }

    private var elements: [Element] = []
    /// The index in `elements` of each slot, or -1 when the slot is not in the heap.
    private var positions: [Int32] = []

    var count: Int { elements.count }

    var isEmpty: Bool { elements.isEmpty }

    /// The earliest time and its slot.
    var top: (time: Double, slot: Int)? {
        elements.first.map { ($0.time, Int($0.slot)) }
    }

    func contains(slot: Int) -> Bool {
        slot < positions.count && positions[slot] >= 0
    }

    /// Reserves room for `count` slots, to avoid regrowing while loading many jobs.
    mutating func reserveCapacity(_ count: Int) {
        elements.reserveCapacity(count)
        positions.reserveCapacity(count)
    }

    /// Puts `slot` in the heap at `time`, or moves it there when it is already in.
    mutating func set(slot: Int, time: Double) {
        while positions.count <= slot { positions.append(-1) }
        let position = Int(positions[slot])
        if position < 0 {
            elements.append(Element(time: time, slot: Int32(slot)))
            positions[slot] = Int32(elements.count - 1)
            siftUp(elements.count - 1)
            return
        }
        let old = elements[position].time
        elements[position].time = time
        if time < old { siftUp(position) } else { siftDown(position) }
    }

    /// Takes `slot` out of the heap; does nothing when it is not in.
    mutating func remove(slot: Int) {
        guard contains(slot: slot) else { return }
        let position = Int(positions[slot])
        positions[slot] = -1
        let last = elements.removeLast()
        guard position < elements.count else { return }
        elements[position] = last
        positions[Int(last.slot)] = Int32(position)
        if position > 0, last.time < elements[(position - 1) / 2].time {
            siftUp(position)
        } else {
            siftDown(position)
        }
    }

    /// Removes and returns the earliest slot.
    mutating func popTop() -> (time: Double, slot: Int)? {
        guard let first = elements.first else { return nil }
        remove(slot: Int(first.slot))
        return (first.time, Int(first.slot))
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        let element = elements[index]
        while index > 0 {
            let parent = (index - 1) / 2
            guard element.time < elements[parent].time else { break }
            move(from: parent, to: index)
            index = parent
        }
        place(element, at: index)
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let element = elements[index]
        let count = elements.count
        while true {
            let left = 2 * index + 1
            guard left < count else { break }
            let right = left + 1
            let child = right < count && elements[right].time < elements[left].time ? right : left
            guard elements[child].time < element.time else { break }
            move(from: child, to: index)
            index = child
        }
        place(element, at: index)
    }

    private mutating func move(from source: Int, to destination: Int) {
        elements[destination] = elements[source]
        positions[Int(elements[destination].slot)] = Int32(destination)
    }

    private mutating func place(_ element: Element, at index: Int) {
        elements[index] = element
        positions[Int(element.slot)] = Int32(index)
    }
}
