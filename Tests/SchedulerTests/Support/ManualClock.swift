import Foundation
import Scheduler
import Synchronization

/// A clock that moves only when a test calls `advance`, so timing cases run without
/// sleeping.
final class ManualClock: SchedulerClock {
    private struct State {
        var now: Date
        var handlers: [@Sendable () -> Void] = []
    }

    private let state: Mutex<State>

    init(_ start: Date) {
        state = Mutex(State(now: start))
    }

    func now() -> Date { state.withLock { $0.now } }

    func realDelay(until deadline: Date) -> TimeInterval? { nil }

    func onAdvance(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    func advance(by seconds: TimeInterval) {
        set(now().addingTimeInterval(seconds))
    }

    func set(_ date: Date) {
        let handlers = state.withLock { state in
            state.now = date
            return state.handlers
        }
        for handler in handlers { handler() }
    }
}

/// Polls `condition` every 5 ms until it is true or `timeout` seconds pass.
/// - Returns: whether the condition became true in time.
func eventually(timeout: TimeInterval = 5, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}
