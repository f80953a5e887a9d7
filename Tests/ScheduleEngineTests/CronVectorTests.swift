import Foundation
import Testing
import ScheduleEngine

/// One case of Fixtures/cron-vectors.json: reference fire times computed with APScheduler
/// 3.11, where a `quirk` marks a result that breaks the documented rules and gives the
/// documented one.
struct CronVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Quirk: Decodable, Sendable {
        let documented: [String]?
        let documentedError: Bool?
    }

    let id: String
    let schedule: String
    let timezone: String
    let start: String
    let scheduleStart: String?
    let scheduleEnd: String?
    let count: Int
    let expected: [String]?
    let expectedError: Bool?
    let quirk: Quirk?

    var testDescription: String { id }

    /// The documented result: nil when the schedule or zone must be rejected.
    var rightAnswer: [String]? {
        if let quirk {
            if quirk.documentedError == true { return nil }
            if let documented = quirk.documented { return documented }
        }
        return expectedError == true ? nil : expected ?? []
    }

    static let all: [CronVector] = {
        struct File: Decodable { let cases: [CronVector] }
        guard let url = Bundle.module.url(forResource: "cron-vectors", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.cases
    }()
}

@Suite struct CronVectorTests {
    @Test func fixtureLoads() {
        #expect(CronVector.all.count == 206)
    }

    @Test(arguments: CronVector.all)
    func vector(_ vector: CronVector) throws {
        let start = try #require(TestInstants.parse(vector.start))
        let scheduleStart = try vector.scheduleStart.map { try #require(TestInstants.parse($0)) }
        let scheduleEnd = try vector.scheduleEnd.map { try #require(TestInstants.parse($0)) }

        let parsed: (Schedule, ScheduleTimeZone)?
        do {
            parsed = (try Schedule.parse(vector.schedule), try ScheduleTimeZone(identifier: vector.timezone))
        } catch {
            #expect(vector.rightAnswer == nil, "rejected: \(error.message)")
            return
        }
        guard let expected = vector.rightAnswer else {
            Issue.record("accepted '\(vector.schedule)' in \(vector.timezone), which must be rejected")
            return
        }
        let (schedule, zone) = try #require(parsed)
        let fires = schedule.nextFires(after: start, count: vector.count, in: zone, start: scheduleStart, end: scheduleEnd)
        #expect(fires.map(TestInstants.format) == expected)
    }
}
