import Foundation
import Testing
@testable import JobModel

@Suite struct TimestampTests {
    @Test func parsesZuluAndOffsets() {
        #expect(Timestamp.parse("2026-12-04T19:10:00Z") == Date(timeIntervalSince1970: 1_796_411_400))
        #expect(Timestamp.parse("2026-12-04T20:10:00+01:00") == Date(timeIntervalSince1970: 1_796_411_400))
        #expect(Timestamp.parse("2026-12-04T19:10:00") == Date(timeIntervalSince1970: 1_796_411_400))
        #expect(Timestamp.parse("2026-12-04 14:10:00-0500") == Date(timeIntervalSince1970: 1_796_411_400))
        #expect(Timestamp.parse("2026-12-04") == Date(timeIntervalSince1970: 1_796_342_400))
    }

    @Test func rejectsInvalidText() {
        for text in ["", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-04T24:00:00Z", "yesterday",
                     "2026-12-04T19:10:00Zjunk", "2026-12-04T19"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsAsPythonIsoformat() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_796_411_400)) == "2026-12-04T19:10:00+00:00")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_796_411_400.25)) == "2026-12-04T19:10:00.250000+00:00")
    }

    @Test func roundTrips() {
        let date = Date(timeIntervalSince1970: 1_700_000_123)
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
    }
}
