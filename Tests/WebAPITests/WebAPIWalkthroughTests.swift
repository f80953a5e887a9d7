import Foundation
import HTTPServer
import JobModel
import Testing
@testable import WebAPI

@Suite struct WebAPIWalkthroughTests {
    @Test func walkthroughExchanges() throws {
        let harness = APIHarness()
        let link: JSONValue = ["href": "/jobs/sleeper-task", "rel": "item", "title": "Job for sleeper-task"]

        let created = harness.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "* */5"}"#)
        #expect(created.status == 201)
        #expect(created.text
            == #"{"id":"sleeper-task","link":{"href":"/jobs/sleeper-task","rel":"item","title":"Job for sleeper-task"}}"#)
        #expect(created.header("Location") == "/jobs/sleeper-task")

        let read = harness.send("GET", "/jobs/sleeper-task")
        #expect(read.status == 200)
        #expect(read.json == [
            "id": "sleeper-task", "link": link, "schedule": "* */5", "taskCount": 1, "taskDefinition": "sleeper-task",
        ])

        let updated = harness.send("PUT", "/jobs/sleeper-task", json: #"{"schedule": "? */5"}"#)
        #expect(updated.status == 200)
        #expect(updated.json == ["id": "sleeper-task", "link": link])
        let schedule = try #require(harness.send("GET", "/jobs/sleeper-task").json?["schedule"]?.stringValue)
        let second = try #require(Int(schedule.split(separator: " ")[0]))
        #expect((0...59).contains(second))
        #expect(schedule.hasSuffix(" */5"))

        let conflict = harness.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "0 */5"}"#)
        #expect(conflict.status == 409)
        #expect(conflict.json == ["message": "Job sleeper-task already exists."])

        let longSleep = harness.send("POST", "/jobs", json: """
            {"taskDefinition": "sleeper-task", "id": "long-sleep-task", "schedule": "? */7",
             "overrides": [{"containerName": "sleeper-container", "environment": {"SLEEP_SECONDS": "10"}}]}
            """)
        #expect(longSleep.status == 201)
        #expect(longSleep.json?["id"] == "long-sleep-task")
        let longSleepJob = try #require(harness.registry.job(id: "long-sleep-task"))
        #expect(longSleepJob.overrides?.first?.environment == ["SLEEP_SECONDS": "10"])
        #expect(!longSleepJob.schedule.contains("?"))

        let consumer = harness.send("POST", "/jobs", json: """
            {"taskDefinition": "consumer-task", "schedule": "? */3",
             "trigger": {"type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100}}
            """)
        #expect(consumer.status == 201)
        #expect(harness.registry.job(id: "consumer-task")?.trigger?["messagesPerTask"] == 100)

        let maxCount = harness.send("PUT", "/jobs/consumer-task", json: #"{"maxCount": 10}"#)
        #expect(maxCount.status == 200)
        #expect(harness.registry.job(id: "consumer-task")?.maxCount == 10)

        let deleted = harness.send("DELETE", "/jobs/consumer-task")
        #expect(deleted.status == 200)
        #expect(deleted.json == ["id": "consumer-task"])
        #expect(harness.send("GET", "/jobs/consumer-task").json == ["message": "Job consumer-task does not exist."])
    }

    @Test func rootListsEndpoints() {
        let response = APIHarness().send("GET", "/")
        #expect(response.status == 200)
        #expect(response.json == ["resources": [
            ["link": ["rel": "jobs", "title": "Jobs", "href": "/jobs"]],
            ["link": ["rel": "spec", "title": "Spec", "href": "/spec"]],
        ]])
    }

    @Test func everyResponseCarriesCORSAndETag() {
        let harness = APIHarness()
        let responses = [
            harness.send("GET", "/"), harness.send("GET", "/spec"), harness.send("GET", "/jobs"),
            harness.send("GET", "/jobs/none"), harness.send("POST", "/jobs", json: "{}"),
            harness.send("PATCH", "/jobs"), harness.send("GET", "/nowhere"), harness.send("OPTIONS", "/jobs"),
        ]
        for response in responses {
            #expect(response.header("Access-Control-Allow-Origin") == "*", "\(response.status)")
            #expect(response.header("ETag")?.hasPrefix("\"") == true, "\(response.status)")
        }
    }

    @Test func jsonKeysAreSorted() {
        let harness = APIHarness()
        _ = harness.send("POST", "/jobs", json: #"{"taskDefinition": "a", "schedule": "0", "maxCount": 3, "suspended": true}"#)
        #expect(harness.send("GET", "/jobs/a").text == #"{"id":"a","link":{"href":"/jobs/a","rel":"item","title":"Job for a"},"#
            + #""maxCount":3,"schedule":"0","suspended":true,"taskCount":1,"taskDefinition":"a"}"#)
    }
}

@Suite struct WebAPIPaginationTests {
    let harness: APIHarness = {
        let harness = APIHarness()
        for number in 0..<25 {
            let id = String(format: "job-%02d", number)
            _ = harness.send("POST", "/jobs", json: #"{"taskDefinition": "\#(id)", "schedule": "0"}"#)
        }
        return harness
    }()

    @Test func firstPageHasNextOnly() throws {
        let page = HTTPResponseSummary(harness.send("GET", "/jobs"))
        #expect(page.ids == (0..<10).map { String(format: "job-%02d", $0) })
        #expect(page.next == "/jobs?skip=10&count=10")
        #expect(page.prev == nil)
    }

    @Test func middleAndLastPagesLinkBothWays() {
        let middle = HTTPResponseSummary(harness.send("GET", "/jobs?skip=10&count=10"))
        #expect(middle.ids.first == "job-10")
        #expect(middle.prev == "/jobs?skip=0&count=10")
        #expect(middle.next == "/jobs?skip=20&count=10")
        let last = HTTPResponseSummary(harness.send("GET", "/jobs?skip=20&count=10"))
        #expect(last.ids == ["job-20", "job-21", "job-22", "job-23", "job-24"])
        #expect(last.prev == "/jobs?skip=10&count=10")
        #expect(last.next == nil)
        let partial = HTTPResponseSummary(harness.send("GET", "/jobs?skip=5&count=10"))
        #expect(partial.prev == "/jobs?skip=0&count=10")
    }

    @Test func negativeValuesCountAsZero() {
        let page = HTTPResponseSummary(harness.send("GET", "/jobs?skip=-5&count=3"))
        #expect(page.ids == ["job-00", "job-01", "job-02"])
        #expect(page.prev == nil)
        let empty = HTTPResponseSummary(harness.send("GET", "/jobs?count=-1"))
        #expect(empty.status == 200)
        #expect(empty.ids.isEmpty)
        #expect(empty.next == nil)
    }

    @Test func beyondTheEndIsEmpty() {
        let page = HTTPResponseSummary(harness.send("GET", "/jobs?skip=100"))
        #expect(page.ids.isEmpty)
        #expect(page.next == nil)
        #expect(page.prev == nil)
    }

    @Test func hugeValuesDoNotOverflow() {
        let page = HTTPResponseSummary(harness.send("GET", "/jobs?skip=9223372036854775807&count=9223372036854775807"))
        #expect(page.status == 200)
        #expect(page.ids.isEmpty)
        let longer = HTTPResponseSummary(harness.send("GET", "/jobs?skip=-99999999999999999999&count=99999999999999999999"))
        #expect(longer.status == 200)
        #expect(longer.ids.count == 25)
        let all = HTTPResponseSummary(harness.send("GET", "/jobs?skip=3&count=9223372036854775807"))
        #expect(all.ids.count == 22)
        #expect(all.prev == "/jobs?skip=0&count=2147483647")
        #expect(all.next == nil)
    }

    @Test func nonIntegerArgumentsAreRejected() {
        #expect(harness.send("GET", "/jobs?skip=--1").status == 400)
        #expect(harness.send("GET", "/jobs?skip=").status == 400)
        let response = harness.send("GET", "/jobs?skip=abc&count=1.5")
        #expect(response.status == 400)
        #expect(response.json?["errors"] == ["count": ["count must be an integer"], "skip": ["skip must be an integer"]])
    }
}

/// The parts of a `GET /jobs` response that the pagination tests check.
struct HTTPResponseSummary {
    let status: Int
    let ids: [String]
    let prev: String?
    let next: String?

    init(_ response: HTTPResponse) {
        let json = response.json
        status = response.status
        ids = json?["jobs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        prev = json?["prev"]?.stringValue
        next = json?["next"]?.stringValue
    }
}
