import Foundation
import Synchronization

/// A time zone's UTC offsets as a table of transitions, for fast offset look-ups.
///
/// Built once per zone from Foundation's `TimeZone` and shared through `cache`. The table
/// covers `tableStart..<tableEnd`, every instant a schedule can fire at in practice. Past
/// the end, look-ups call Foundation directly, which is slower but exact.
final class ZoneTransitions: Sendable {
    let identifier: String
    /// Instants (seconds since the epoch) at which the offset changes, ascending.
    private let instants: [Int64]
    /// `offsets[i]` is in force before `instants[i]` and from `instants[i - 1]` on, so it has
    /// one more element than `instants`.
    private let offsets: [Int64]
    /// Whether the offset changes again after the table ends.
    private let changesAfterTable: Bool
    private let timeZone: TimeZone?
    /// The smallest and largest offsets from `tableStart` on.
    let minOffset: Int64
    let maxOffset: Int64

    /// 1969-12-29T00:00:00Z: no schedule fires before local 1970-01-01, and no offset
    /// exceeds two days.
    static let tableStart: Int64 = -3 * CivilCalendar.secondsPerDay
    /// 2500-01-01T00:00:00Z.
    static let tableEnd: Int64 = 16_725_225_600

    static let utc = ZoneTransitions(identifier: "UTC")

    private static let cache = Mutex<[String: ZoneTransitions]>([:])

    /// Returns the shared table of a zone, building it on first use; nil for an unknown name.
    static func named(_ identifier: String) -> ZoneTransitions? {
        if identifier == "UTC" { return utc }
        if let cached = cache.withLock({ $0[identifier] }) { return cached }
        guard let timeZone = TimeZone(identifier: identifier) else { return nil }
        // Built outside the lock: two threads may build the same table, and one copy wins.
        let table = ZoneTransitions(identifier: identifier, timeZone: timeZone)
        return cache.withLock { cache in
            if let existing = cache[identifier] { return existing }
            cache[identifier] = table
            return table
        }
    }

    private init(identifier: String) {
        self.identifier = identifier
        instants = []
        offsets = [0]
        changesAfterTable = false
        timeZone = nil
        minOffset = 0
        maxOffset = 0
    }

    private init(identifier: String, timeZone: TimeZone) {
        var instants: [Int64] = []
        var offsets = [Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.tableStart))))]
        var cursor = Date(timeIntervalSince1970: Double(Self.tableStart))
        let end = Date(timeIntervalSince1970: Double(Self.tableEnd))
        var changesAfterTable = false
        while let transition = timeZone.nextDaylightSavingTimeTransition(after: cursor), transition > cursor {
            if transition >= end {
                changesAfterTable = true
                break
            }
            let offset = Int64(timeZone.secondsFromGMT(for: transition))
            if offset != offsets[offsets.count - 1] {
                instants.append(Int64(transition.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
            cursor = transition
        }

        self.identifier = identifier
        self.instants = instants
        self.offsets = offsets
        self.changesAfterTable = changesAfterTable
        self.timeZone = timeZone
        minOffset = offsets.min() ?? 0
        maxOffset = offsets.max() ?? 0
    }

    /// Returns the offset in force at `instant` and the instant at which the next offset
    /// begins (`Int64.max` when it never changes again).
    func segment(containing instant: Int64) -> (offset: Int64, end: Int64) {
        if instant >= Self.tableEnd, changesAfterTable, let timeZone {
            return foundationSegment(containing: instant, in: timeZone)
        }
        // Binary search for the number of transitions at or before `instant`.
        var low = 0
        var high = instants.count
        while low < high {
            let middle = (low + high) / 2
            if instants[middle] <= instant {
                low = middle + 1
            } else {
                high = middle
            }
        }
        if low < instants.count {
            return (offsets[low], instants[low])
        }
        return (offsets[low], changesAfterTable ? Self.tableEnd : .max)
    }

    private func foundationSegment(containing instant: Int64, in timeZone: TimeZone) -> (offset: Int64, end: Int64) {
        let date = Date(timeIntervalSince1970: Double(instant))
        let offset = Int64(timeZone.secondsFromGMT(for: date))
        guard let next = timeZone.nextDaylightSavingTimeTransition(after: date) else {
            return (offset, .max)
        }
        return (offset, Int64(next.timeIntervalSince1970.rounded(.down)))
    }
}
