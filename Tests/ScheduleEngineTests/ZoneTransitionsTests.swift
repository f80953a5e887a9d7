import Foundation
import Testing
@testable import ScheduleEngine

@Suite struct ZoneTransitionsTests {
    /// Compares the cached table of every zone in the system's time zone data with Foundation
    /// at random instants from 1970 to 2600, past the table's end.
    @Test func agreesWithFoundationForEveryZone() throws {
        var generator = SeededGenerator(seed: 42)
        let identifiers = TimeZone.knownTimeZoneIdentifiers
        #expect(identifiers.count > 300)
        for identifier in identifiers {
            let table = try #require(ZoneTransitions.named(identifier), "\(identifier)")
            let zone = try #require(TimeZone(identifier: identifier))
            for _ in 0..<40 {
                let instant = Int64.random(in: 0..<19_880_000_000, using: &generator)
                let (offset, end) = table.segment(containing: instant)
                let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
                #expect(offset == Int64(expected), "\(identifier) at \(instant)")
                #expect(end > instant, "\(identifier) at \(instant)")
                #expect(offset >= table.minOffset, "\(identifier) at \(instant)")
                #expect(offset <= table.maxOffset, "\(identifier) at \(instant)")
                if end != .max {
                    let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(end - 1)))
                    #expect(Int64(before) == offset, "\(identifier) before \(end)")
                }
            }
        }
    }

    @Test func segmentEndsAtNextChange() throws {
        let table = try #require(ZoneTransitions.named("America/New_York"))
        // 2024-03-10T06:59:59Z is 01:59:59 EST; EDT starts at 07:00:00Z.
        let (offset, end) = table.segment(containing: 1_710_053_999)
        #expect(offset == -18_000)
        #expect(end == 1_710_054_000)
        #expect(table.segment(containing: end).offset == -14_400)
    }

    @Test func fixedZonesNeverChange() throws {
        for identifier in ["UTC", "Etc/GMT+5", "Asia/Kolkata"] {
            let table = try #require(ZoneTransitions.named(identifier))
            #expect(table.segment(containing: 1_796_411_400).end == .max, "\(identifier)")
        }
        #expect(ZoneTransitions.named("Mars/Olympus_Mons") == nil)
    }
}
