import Foundation
import HTTPServer
@testable import JobModel
import Testing
@testable import WebAPI

@Suite struct OpenAPIDocumentTests {
    /// Requests that between them draw every status the API returns.
    let exchanges: [(method: String, target: String, json: String?, headers: [String: String])] = [
        ("GET", "/", nil, [:]),
        ("OPTIONS", "/", nil, [:]),
        ("GET", "/spec", nil, [:]),
        ("OPTIONS", "/spec", nil, [:]),
        ("GET", "/jobs", nil, [:]),
        ("GET", "/jobs?skip=x", nil, [:]),
        ("OPTIONS", "/jobs", nil, [:]),
        ("POST", "/jobs", #"{"taskDefinition": "spec-job", "schedule": "0"}"#, [:]),
        ("POST", "/jobs", #"{"taskDefinition": "spec-job", "schedule": "0"}"#, [:]),
        ("POST", "/jobs", #"{"taskCount": 0}"#, [:]),
        ("POST", "/jobs", "x", ["Content-Type": "text/plain"]),
        ("GET", "/jobs/spec-job", nil, [:]),
        ("GET", "/jobs/missing", nil, [:]),
        ("OPTIONS", "/jobs/spec-job", nil, [:]),
        ("OPTIONS", "/jobs/not%20valid", nil, [:]),
        ("PUT", "/jobs/spec-job", #"{"maxCount": 2}"#, [:]),
        ("PUT", "/jobs/spec-job", #"{"maxCount": 0}"#, [:]),
        ("PUT", "/jobs/spec-job", "x", ["Content-Type": "text/plain"]),
        ("PUT", "/jobs/missing", #"{"maxCount": 2}"#, [:]),
        ("DELETE", "/jobs/missing", nil, [:]),
        ("DELETE", "/jobs/spec-job", nil, [:]),
    ]

    @Test func documentsEveryRouteAndStatus() throws {
        let harness = APIHarness()
        let paths = try #require(OpenAPIDocument.document["paths"]?.objectValue)
        var statuses: [Int] = []
        for exchange in exchanges {
            let response = harness.send(exchange.method, exchange.target, json: exchange.json, headers: exchange.headers)
            let path = String(exchange.target.split(separator: "?")[0])
            let route = try #require(Route(path: path))
            let operation = paths[route.template]?[exchange.method.lowercased()]
            #expect(operation != nil, "\(exchange.method) \(route.template) is not in the document")
            #expect(operation?["responses"]?[String(response.status)] != nil,
                    "\(exchange.method) \(route.template) answered \(response.status), which the document lacks")
            statuses.append(response.status)
        }
        #expect(Set(statuses).isSuperset(of: [200, 201, 204, 400, 404, 409, 415]))
    }

    @Test func documentsStatusesFromOutsideTheHandler() throws {
        let paths = try #require(OpenAPIDocument.document["paths"]?.objectValue)
        let etag = try #require(APIHarness().send("GET", "/").header("ETag"))
        let harness = APIHarness()
        #expect(harness.send("GET", "/", headers: ["If-None-Match": etag]).status == 304)
        for (template, method) in [("/", "get"), ("/spec", "get"), ("/jobs", "get"), ("/jobs/{id}", "get")] {
            #expect(paths[template]?[method]?["responses"]?["304"] != nil, "\(method) \(template) lacks 304")
        }
        for (template, method) in [("/jobs", "post"), ("/jobs/{id}", "put")] {
            #expect(paths[template]?[method]?["responses"]?["413"] != nil, "\(method) \(template) lacks 413")
            #expect(paths[template]?[method]?["responses"]?["500"] != nil, "\(method) \(template) lacks 500")
        }
        #expect(WebAPI.payloadTooLargeResponse.status == 413)
    }

    @Test func everyDocumentedMethodIsRouted() throws {
        let paths = try #require(OpenAPIDocument.document["paths"]?.objectValue)
        for (template, item) in paths {
            let samplePath = template.replacingOccurrences(of: "{id}", with: "sample")
            let route = try #require(Route(path: samplePath), "\(template)")
            let methods = (item.objectValue ?? [:]).keys.filter { $0 != "parameters" }.map { $0.uppercased() }
            #expect(Set(methods).isSubset(of: Set(route.allowedMethods)), "\(template)")
        }
    }

    @Test func jobFieldsMatchTheValidator() throws {
        let create = try #require(OpenAPIDocument.document["components"]?["schemas"]?["JobCreate"]?["properties"]?.objectValue)
        #expect(Set(create.keys) == JobFieldDecoder.writableFields)
    }

    @Test func specIsServedAsJSON() {
        let response = APIHarness().send("GET", "/spec")
        #expect(response.status == 200)
        #expect(response.json?["openapi"] == "3.0.3")
    }
}
