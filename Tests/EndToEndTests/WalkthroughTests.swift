import Foundation
import TestSupport
import Testing

/// The product's walkthrough and bad inputs, replayed over HTTP against the built binary.
@Suite struct WalkthroughTests {
    @Test func walkthroughOverHTTP() throws {
        let daemon = try DaemonProcess()
        let link = #"{"href":"/jobs/sleeper-task","rel":"item","title":"Job for sleeper-task"}"#

        let created = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "* */5"}"#)
        #expect(created.status == 201)
        #expect(created.body == #"{"id":"sleeper-task","link":\#(link)}"#)

        let read = try daemon.send("GET", "/jobs/sleeper-task")
        #expect(read.status == 200)
        #expect(read.body
            == #"{"id":"sleeper-task","link":\#(link),"schedule":"* */5","taskCount":1,"taskDefinition":"sleeper-task"}"#)
        #expect(read.headers["access-control-allow-origin"] == "*")
        #expect(read.headers["content-type"] == "application/json")
        let etag = try #require(read.headers["etag"])

        let notModified = try daemon.send("GET", "/jobs/sleeper-task", headers: ["If-None-Match": etag])
        #expect(notModified.status == 304)
        let head = try daemon.send("HEAD", "/jobs/sleeper-task")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["etag"] == etag)

        let updated = try daemon.send("PUT", "/jobs/sleeper-task", json: #"{"schedule": "? */5"}"#)
        #expect(updated.status == 200)
        #expect(updated.body == #"{"id":"sleeper-task","link":\#(link)}"#)
        let reread = try daemon.send("GET", "/jobs/sleeper-task")
        let pattern = #"^\{"id":"sleeper-task","link":\{[^}]*\},"schedule":"([0-9]+) \*/5","taskCount":1,"taskDefinition":"sleeper-task"\}$"#
        let match = try #require(reread.body.firstMatch(of: try Regex(pattern)), "\(reread.body)")
        let second = try #require(Int(match.output[1].substring ?? ""))
        #expect((0...59).contains(second))

        let conflict = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "0 */5"}"#)
        #expect(conflict.status == 409)
        #expect(conflict.body == #"{"message":"Job sleeper-task already exists."}"#)

        let longSleep = try daemon.send("POST", "/jobs", json: """
            {"taskDefinition": "sleeper-task", "id": "long-sleep-task", "schedule": "? */7",
             "overrides": [{"containerName": "sleeper-container", "environment": {"SLEEP_SECONDS": "10"}}]}
            """)
        #expect(longSleep.status == 201)
        #expect(longSleep.body
            == #"{"id":"long-sleep-task","link":{"href":"/jobs/long-sleep-task","rel":"item","title":"Job for long-sleep-task"}}"#)

        let consumer = try daemon.send("POST", "/jobs", json: """
            {"taskDefinition": "consumer-task", "schedule": "? */3",
             "trigger": {"type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100}}
            """)
        #expect(consumer.status == 201)
        #expect(consumer.body
            == #"{"id":"consumer-task","link":{"href":"/jobs/consumer-task","rel":"item","title":"Job for consumer-task"}}"#)

        let capped = try daemon.send("PUT", "/jobs/consumer-task", json: #"{"maxCount": 10}"#)
        #expect(capped.status == 200)
        #expect(try daemon.send("GET", "/jobs/consumer-task").body.contains(#""maxCount":10"#))

        let badTrigger = try daemon.send("POST", "/jobs", json: """
            {"taskDefinition": "consumer-task", "id": "no-queue", "schedule": "0", "trigger": {"type": "sqs"}}
            """)
        #expect(badTrigger.status == 400)
        #expect(badTrigger.body.contains("sqs trigger requires queueName"))

        let list = try daemon.send("GET", "/jobs?skip=0&count=1")
        #expect(list.status == 200)
        #expect(list.body.hasPrefix(#"{"jobs":[{"id":"consumer-task""#))
        #expect(list.body.hasSuffix(#""next":"/jobs?skip=1&count=1"}"#))

        let deleted = try daemon.send("DELETE", "/jobs/long-sleep-task")
        #expect(deleted.status == 200)
        #expect(deleted.body == #"{"id":"long-sleep-task"}"#)
        #expect(try daemon.send("GET", "/jobs/long-sleep-task").body == #"{"message":"Job long-sleep-task does not exist."}"#)
        #expect(daemon.stop().status == 0)
    }

    @Test func badInputsAreJSONErrorsAndChangeNothing() throws {
        let daemon = try DaemonProcess()
        _ = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "* */5"}"#)
        let before = try daemon.send("GET", "/jobs").body

        let cases: [(method: String, path: String, body: Data?, contentType: String?, status: Int)] = [
            ("POST", "/jobs", Data("{\"taskDefinition\":".utf8), "application/json", 400),
            ("POST", "/jobs", Data("[1]".utf8), "application/json", 400),
            ("POST", "/jobs", Data(#"{"taskDefinition": "a", "schedule": "0",}"#.utf8), "application/json", 400),
            ("POST", "/jobs", Data(), "application/json", 400),
            ("POST", "/jobs", Data([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), "application/json", 400),
            ("POST", "/jobs", Data(#"{"taskDefinition": "a", "schedule": "0"}"#.utf8), "text/plain", 415),
            ("POST", "/jobs", Data(#"{"taskDefinition": "a", "schedule": "0", "scheduledEnd": "2030-01-01"}"#.utf8),
             "application/json", 400),
            ("POST", "/jobs", Data(repeating: 0x20, count: 2_000_000), "application/json", 413),
            ("PUT", "/jobs/sleeper-task", Data(#"{"id": "other"}"#.utf8), "application/json", 400),
            ("PUT", "/jobs/sleeper-task", Data(#"{"taskCount": 51}"#.utf8), "application/json", 400),
            ("PATCH", "/jobs/sleeper-task", Data("{}".utf8), "application/json", 405),
            ("DELETE", "/jobs", nil, nil, 405),
            ("GET", "/nowhere", nil, nil, 404),
            ("GET", "/jobs/missing", nil, nil, 404),
            ("DELETE", "/jobs/missing", nil, nil, 404),
        ]
        for item in cases {
            let response = try daemon.send(item.method, item.path, body: item.body, contentType: item.contentType)
            #expect(response.status == item.status, "\(item.method) \(item.path) -> \(response.body)")
            let message = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
            #expect(message?["message"] is String, "\(item.method) \(item.path): \(response.body)")
            if item.status == 405 {
                #expect(response.headers["allow"] != nil)
            }
        }
        #expect(try daemon.send("GET", "/jobs").body == before)
        #expect(daemon.stop().status == 0)
    }
}
