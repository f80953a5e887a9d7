import Foundation
import HTTPServer
import JobModel
import JobStore
import Synchronization
@testable import WebAPI

/// A trigger service that accepts the `sqs` type, as the SQS plugin will.
struct SQSTriggers: TriggerService {
    var triggerTypes: [String] { ["sqs"] }

    func validate(trigger: [String: JSONValue]) throws(TriggerError) {
        guard trigger["type"] == "sqs" else {
            throw TriggerError("Unknown trigger type \(trigger["type"]?.stringValue ?? ""); loaded types: sqs.")
        }
        guard trigger["queueName"]?.stringValue != nil else { throw TriggerError("sqs trigger needs queueName") }
    }

    func desiredCount(for job: Job) throws(TriggerError) -> Int { 1 }
}

/// An in-memory store whose writes fail while `failing` is set.
final class SwitchableStore: JobStore {
    let inner = InMemoryJobStore()
    let failing = Atomic<Bool>(false)
    var name: String { "switchable" }

    func loadAll() throws(StoreError) -> JobLoadResult { try inner.loadAll() }

    func create(_ job: Job) throws(StoreError) {
        try failIfSet()
        try inner.create(job)
    }

    func update(_ job: Job) throws(StoreError) {
        try failIfSet()
        try inner.update(job)
    }

    func delete(id: String) throws(StoreError) {
        try failIfSet()
        try inner.delete(id: id)
    }

    func close() {}

    private func failIfSet() throws(StoreError) {
        if failing.load(ordering: .relaxed) { throw StoreError(.unavailable, "disk full") }
    }
}

/// An API over a fresh registry, with helpers that send requests and read JSON responses.
struct APIHarness {
    let store = SwitchableStore()
    let registry: JobRegistry
    let api: WebAPI

    init() {
        registry = JobRegistry(store: store)
        api = WebAPI(registry: registry, triggers: SQSTriggers())
    }

    func send(_ method: String, _ target: String, json: String? = nil, headers: [String: String] = [:]) -> HTTPResponse {
        var headers = headers
        if json != nil, headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        let parts = target.split(separator: "?", maxSplits: 1)
        let query: [(name: String, value: String)] = parts.count > 1
            ? parts[1].split(separator: "&").map { pair in
                let items = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (items[0], items.count > 1 ? items[1] : "")
            }
            : []
        let request = HTTPRequest(method: method, path: String(parts[0]), query: query, headers: headers,
                                  body: Data((json ?? "").utf8))
        return api.handle(request)
    }

    /// Returns the stored jobs as their API JSON, to check that a request changed nothing.
    func snapshot() -> [JSONValue] {
        registry.allJobs().map { .object($0.jsonObject(includeID: true)) }
    }
}

extension HTTPResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}
