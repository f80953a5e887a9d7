import Foundation
import HTTPServer
import JobModel
import Testing
@testable import WebAPI

@Suite struct WebAPIBadInputTests {
    /// Creates a harness with one job, `sleeper-task`.
    func harnessWithJob() -> APIHarness {
        let harness = APIHarness()
        _ = harness.send("POST", "/jobs", json: #"{"taskDefinition": "sleeper-task", "schedule": "* */5"}"#)
        return harness
    }

    @Test func badBodiesAreJSONErrorsAndChangeNothing() {
        let harness = harnessWithJob()
        let before = harness.snapshot()
        let cases: [(method: String, path: String, body: Data, contentType: String?, status: Int, message: String)] = [
            ("POST", "/jobs", Data("{\"taskDefinition\": ".utf8), "application/json", 400,
             "The request body is not valid JSON; send a JSON object of job fields."),
            ("POST", "/jobs", Data("[1, 2]".utf8), "application/json", 400,
             "The request body must be a JSON object of job fields."),
            ("POST", "/jobs", Data("\"text\"".utf8), "application/json", 400,
             "The request body must be a JSON object of job fields."),
            ("POST", "/jobs", Data(), "application/json", 400, "The request body is empty; send a JSON object of job fields."),
            ("POST", "/jobs", Data([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "application/json", 400,
             "The request body is not valid UTF-8."),
            ("POST", "/jobs", Data(#"{"taskDefinition": "x", "schedule": "0"}"#.utf8), "text/plain", 415,
             "Header Content-Type: application/json is required to send a request body."),
            ("POST", "/jobs", Data(#"{"taskDefinition": "x", "schedule": "0"}"#.utf8), nil, 415,
             "Header Content-Type: application/json is required to send a request body."),
            ("PUT", "/jobs/sleeper-task", Data(#"{"schedule": "0"}"#.utf8), "application/json; charset=latin-1", 415,
             "Header Content-Type: application/json is required to send a request body."),
            ("PUT", "/jobs/sleeper-task", Data("nope".utf8), "application/json", 400,
             "The request body is not valid JSON; send a JSON object of job fields."),
            ("PUT", "/jobs/sleeper-task", Data(#"{"id": "renamed"}"#.utf8), "application/json", 400,
             "Invalid job: id cannot be changed; it is sleeper-task."),
            ("PUT", "/jobs/sleeper-task", Data(#"{"lastRun": "2026-01-01T00:00:00Z"}"#.utf8), "application/json", 400,
             "Invalid job: lastRun is read-only because the scheduler sets it."),
        ]
        for item in cases {
            var headers: [String: String] = [:]
            headers["Content-Type"] = item.contentType
            let response = harness.api.handle(
                HTTPRequest(method: item.method, path: item.path, headers: headers, body: item.body))
            #expect(response.status == item.status, "\(item.method) \(String(decoding: item.body, as: UTF8.self))")
            #expect(response.json?["message"]?.stringValue == item.message)
            #expect(response.header("Content-Type") == "application/json")
        }
        #expect(harness.snapshot() == before)
    }

    @Test func charsetUTF8IsAccepted() {
        let harness = APIHarness()
        let response = harness.send("POST", "/jobs", json: #"{"taskDefinition": "a", "schedule": "0"}"#,
                                    headers: ["Content-Type": "Application/JSON; charset=UTF-8"])
        #expect(response.status == 201)
    }

    @Test func validationErrorsListFields() {
        let harness = APIHarness()
        let response = harness.send("POST", "/jobs", json: #"{"taskDefinition": "t", "schedule": "0", "taskCount": 0, "scheduledEnd": "x"}"#)
        #expect(response.status == 400)
        #expect(response.json?["errors"] == [
            "scheduledEnd": ["scheduledEnd is not a known field (did you mean scheduleEnd?)"],
            "taskCount": ["taskCount must be between 1 and 50, not 0"],
        ])
        #expect(harness.registry.count == 0)
    }

    @Test func wrongMethodGets405WithAllow() {
        let harness = APIHarness()
        let cases: [(String, String, String)] = [
            ("PATCH", "/jobs", "GET, HEAD, POST, OPTIONS"),
            ("DELETE", "/jobs", "GET, HEAD, POST, OPTIONS"),
            ("POST", "/jobs/sleeper-task", "GET, HEAD, PUT, DELETE, OPTIONS"),
            ("PUT", "/", "GET, HEAD, OPTIONS"),
            ("DELETE", "/spec", "GET, HEAD, OPTIONS"),
        ]
        for (method, path, allowed) in cases {
            let response = harness.send(method, path)
            #expect(response.status == 405, "\(method) \(path)")
            #expect(response.header("Allow") == allowed)
            #expect(response.json?["message"]?.stringValue?.contains(method) == true)
        }
    }

    @Test func unknownPathsGet404JSON() {
        let harness = APIHarness()
        for path in ["/nowhere", "/jobs/", "/jobs/a/b", "/jobsx", "//jobs"] {
            let response = harness.send("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(response.json?["message"] == .string("No resource at \(path); GET / lists the endpoints."))
        }
    }

    @Test func missingJobsGet404() {
        let harness = APIHarness()
        #expect(harness.send("GET", "/jobs/ghost").json == ["message": "Job ghost does not exist."])
        #expect(harness.send("DELETE", "/jobs/ghost").status == 404)
        #expect(harness.send("PUT", "/jobs/ghost", json: #"{"maxCount": 2}"#).status == 404)
        #expect(harness.send("PUT", "/jobs/ghost", json: "broken").status == 404)
    }

    @Test func storeFailureIs500AndChangesNothing() {
        let harness = harnessWithJob()
        let before = harness.snapshot()
        harness.store.failing.store(true, ordering: .relaxed)
        let responses = [
            harness.send("POST", "/jobs", json: #"{"taskDefinition": "other", "schedule": "0"}"#),
            harness.send("PUT", "/jobs/sleeper-task", json: #"{"maxCount": 3}"#),
            harness.send("DELETE", "/jobs/sleeper-task"),
        ]
        for response in responses {
            #expect(response.status == 500)
            #expect(response.json?["message"]?.stringValue?.contains("disk full") == true)
        }
        #expect(harness.snapshot() == before)
    }

    @Test func conditionalGetAnswers304() throws {
        let harness = harnessWithJob()
        let first = harness.send("GET", "/jobs/sleeper-task")
        let etag = try #require(first.header("ETag"))
        let cached = harness.send("GET", "/jobs/sleeper-task", headers: ["If-None-Match": etag])
        #expect(cached.status == 304)
        #expect(cached.body.isEmpty)
        #expect(cached.header("ETag") == etag)
        #expect(harness.send("GET", "/jobs/sleeper-task", headers: ["If-None-Match": "W/\(etag)"]).status == 304)
        #expect(harness.send("GET", "/jobs/sleeper-task", headers: ["If-None-Match": "\"other\""]).status == 200)

        _ = harness.send("PUT", "/jobs/sleeper-task", json: #"{"maxCount": 4}"#)
        let changed = harness.send("GET", "/jobs/sleeper-task", headers: ["If-None-Match": etag])
        #expect(changed.status == 200)
        #expect(changed.header("ETag") != etag)
        #expect(changed.json?["maxCount"] == 4)
    }

    @Test func optionsListsMethods() {
        let harness = harnessWithJob()
        #expect(harness.send("OPTIONS", "/jobs/anything").status == 404)
        #expect(harness.send("OPTIONS", "/jobs").status == 204)
        let response = harness.send("OPTIONS", "/jobs/sleeper-task")
        #expect(response.status == 204)
        #expect(response.header("Allow") == "GET, HEAD, PUT, DELETE, OPTIONS")
        #expect(response.header("Access-Control-Allow-Methods") == "GET, HEAD, PUT, DELETE, OPTIONS")
        #expect(response.header("Access-Control-Allow-Headers")?.contains("Content-Type") == true)
    }
}
