import Foundation
import Synchronization

/// A clock that tests move by hand, for credential expiry.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

/// Waits until `condition` holds, checking every 10 ms.
/// - Returns: false when `timeout` seconds pass first.
func eventually(timeout: TimeInterval = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}

/// A switch that a test flips while a stub server reads it.
final class SharedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isOn: Bool { value.load(ordering: .relaxed) }

    func set(_ on: Bool) {
        value.store(on, ordering: .relaxed)
    }
}

/// Values that a stub server records for a test to read.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    var all: [Value] { values.withLock { $0 } }

    func append(_ value: Value) {
        values.withLock { $0.append(value) }
    }
}
