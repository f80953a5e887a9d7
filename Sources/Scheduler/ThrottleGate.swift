import Foundation
import Synchronization

/// A backoff shared by every fire worker: when ECS throttles one call, all workers pause
/// before their next call, so the daemon as a whole slows down instead of dropping fires.
///
/// Each throttled call made while the gate is open doubles the pause (up to `maxDelay`); each
/// successful call halves it again (down to `initialDelay`).
///
/// # Thread safety
/// All methods may be called from any thread.
final class ThrottleGate: Sendable {
    private struct State {
        /// Calls wait until this time; `.distantPast` means the gate is open.
        var pausedUntil = Date.distantPast
        /// The length of the next pause, in seconds.
        var delay: TimeInterval
        var stopped = false
    }

    let initialDelay: TimeInterval
    let maxDelay: TimeInterval
    private let state: Mutex<State>

    /// The maximum single sleep while waiting, so that `stop()` ends waits promptly.
    private static let pollInterval: TimeInterval = 0.05

    init(initialDelay: TimeInterval, maxDelay: TimeInterval) {
        precondition(initialDelay > 0 && maxDelay >= initialDelay, "invalid throttle delays")
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        state = Mutex(State(delay: initialDelay))
    }

    /// Blocks while the gate is paused.
    /// - Returns: false when the gate was stopped during a pause, and the caller should give
    ///   up. True when the gate is open, whether stopped or not.
    func waitWhilePaused() -> Bool {
        while true {
            let (stopped, remaining) = state.withLock { ($0.stopped, $0.pausedUntil.timeIntervalSinceNow) }
            if remaining <= 0 { return true }
            if stopped { return false }
            Thread.sleep(forTimeInterval: min(remaining, Self.pollInterval))
        }
    }

    /// Pauses every caller after ECS throttled a call.
    /// - Returns: the pause in seconds when this call started a new pause, or nil when the
    ///   gate was already paused. The caller logs only new pauses.
    func recordThrottling() -> TimeInterval? {
        state.withLock { state in
            let now = Date()
            guard state.pausedUntil <= now else { return nil }
            let pause = state.delay
            state.pausedUntil = now.addingTimeInterval(pause)
            state.delay = min(state.delay * 2, maxDelay)
            return pause
        }
    }

    /// Shortens the next pause after a call that ECS did not throttle.
    func recordSuccess() {
        state.withLock { state in
            if state.delay > initialDelay { state.delay = max(initialDelay, state.delay / 2) }
        }
    }

    /// Ends every pause, now and later, for shutdown.
    func stop() {
        state.withLock { $0.stopped = true }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }
}
