import Foundation

/// Decides what to do with a fire time that has come due, perhaps late. Fires missed while
/// the daemon was down or busy are coalesced into one run when the latest of them is within
/// the grace period. Older ones are skipped and reported.
enum MissedFirePolicy {
    /// The maximum number of fire times examined when coalescing. An hour of a schedule that fires every
    /// second has 3,600, so this bound is only reached with a grace period over an hour.
    static let maxCoalescedFires = 4_000

    struct Resolution: Equatable {
        /// The scheduled time to run now, or nil when nothing is to run.
        var fireAt: Date?
        /// The first fire time skipped because it was more than the grace period late.
        var firstMissed: Date?
        /// The first fire time after `now`, or nil when the schedule has ended.
        var next: Date?
    }

    /// Resolves the fire time `due` (at or before `now`) of `schedule`.
    ///
    /// When several fire times are at or before `now`, the latest one within `grace` of `now`
    /// is the one run, so that the following fire time is in the future.
    static func resolve(due: Date, now: Date, grace: TimeInterval, schedule: any FireSchedule) -> Resolution {
        var firstMissed: Date?
        var earliestRunnable: Date? = due
        if now.timeIntervalSince(due) > grace {
            firstMissed = due
            // A fire exactly `grace` old still runs, so look from just before the window.
            earliestRunnable = schedule.nextFire(after: now.addingTimeInterval(-grace - 0.000_001))
        }
        guard let start = earliestRunnable, start <= now else {
            return Resolution(fireAt: nil, firstMissed: firstMissed, next: earliestRunnable)
        }

        var latest = start
        var following = schedule.nextFire(after: latest)
        var examined = 1
        while let candidate = following, candidate <= now, examined < maxCoalescedFires {
            latest = candidate
            following = schedule.nextFire(after: candidate)
            examined += 1
        }
        if let candidate = following, candidate <= now {
            following = schedule.nextFire(after: now)
        }
        return Resolution(fireAt: latest, firstMissed: firstMissed, next: following)
    }
}
