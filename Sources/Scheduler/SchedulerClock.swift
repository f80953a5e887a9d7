import Foundation

/// The time source of a `Scheduler`, replaceable so tests control time.
///
/// # Implementation requirements
/// Methods may be called from any thread.
public protocol SchedulerClock: Sendable {
    /// Returns the current time.
    func now() -> Date

    /// Returns how many real seconds the timer thread should sleep to reach `deadline` on
    /// this clock, or nil when only `onAdvance` handlers can tell it that time has moved.
    func realDelay(until deadline: Date) -> TimeInterval?

    /// Registers `handler` to run whenever the clock jumps forward outside real time passing.
    func onAdvance(_ handler: @escaping @Sendable () -> Void)
}

/// The system's wall clock.
public struct SystemClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func realDelay(until deadline: Date) -> TimeInterval? {
        max(0, deadline.timeIntervalSinceNow)
    }

    public func onAdvance(_ handler: @escaping @Sendable () -> Void) {}
}
