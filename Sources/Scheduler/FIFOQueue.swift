/// A first-in, first-out queue with O(1) amortised `append` and `popFirst`.
struct FIFOQueue<Element> {
    private var elements: [Element] = []
    /// The index of the first element not yet taken.
    private var head = 0

    var count: Int { elements.count - head }

    var isEmpty: Bool { head == elements.count }

    mutating func append(_ element: Element) {
        elements.append(element)
    }

    mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        // Drop the taken elements once they are at least half of the storage.
        if head >= 1_024, head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        } else if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }

    mutating func removeAll() {
        elements = []
        head = 0
    }
}
