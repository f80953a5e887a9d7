import Foundation
import JobModel
import JobStore
import PluginHost
import Testing
import TestSupport

/// A stored document that is not a job.
struct InvalidDocument: Error, CustomStringConvertible {
    let description: String
}

/// Builds a job from a stored document: a JSON object with string taskDefinition and schedule.
@Sendable func decodeTestJob(id: String, json: String) throws -> Job {
    guard case .object(let members)? = try? JSONValue.parse(Data(json.utf8)) else {
        throw InvalidDocument(description: "stored job \(id) is not a JSON object")
    }
    guard let taskDefinition = members["taskDefinition"]?.stringValue, let schedule = members["schedule"]?.stringValue else {
        throw InvalidDocument(description: "stored job \(id) lacks taskDefinition or schedule")
    }
    return Job(id: id, taskDefinition: taskDefinition, schedule: schedule)
}

@Suite("Plugin job store")
struct PluginJobStoreTests {
    /// Opens the memory-test store plugin, built into a new folder, with `settings`.
    func openStore(settings: String = "{}") throws -> PluginJobStore {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.memoryStore(into: folder)
        let host = makeHost(folder: folder)
        let plugin = try #require(host.stores["memory-test"])
        return try PluginJobStore(plugin: plugin, settingsJSON: settings, decode: decodeTestJob)
    }

    /// Returns the error `body` throws, or nil.
    func storeError(_ body: () throws(StoreError) -> Void) -> StoreError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("load all skips invalid documents")
    func loadAll() throws {
        let store = try openStore(settings: #"{"preload": true}"#)

        let result = try store.loadAll()

        #expect(store.name == "memory-test")
        #expect(result.jobs.map(\.id).sorted() == ["alpha", "beta"])
        #expect(result.jobs.first { $0.id == "alpha" }?.taskDefinition == "alpha")
        #expect(result.skipped.map(\.id) == ["broken"])
        #expect(result.skipped.first?.reason == "stored job broken is not a JSON object")
    }

    @Test("create, update and delete round trip")
    func roundTrip() throws {
        let store = try openStore()
        var job = Job(id: "nightly", taskDefinition: "report", schedule: "0 0 2")

        try store.create(job)
        job.taskCount = 3
        try store.update(job)
        let loaded = try store.loadAll()
        #expect(loaded.jobs.count == 1)
        #expect(loaded.jobs.first?.taskDefinition == "report")

        try store.delete(id: "nightly")
        #expect(try store.loadAll().jobs.isEmpty)
        store.close()
        store.close()
    }

    @Test("create conflict keeps the plugin's message")
    func createConflict() throws {
        let store = try openStore()
        let job = Job(id: "twice", taskDefinition: "report", schedule: "0 0 2")
        try store.create(job)

        let error = try #require(storeError { () throws(StoreError) in try store.create(job) })

        #expect(error.code == .conflict)
        #expect(error.message == "memory store already has this job")
    }

    @Test("missing jobs map to not found")
    func notFound() throws {
        let store = try openStore()

        let deleteError = try #require(storeError { () throws(StoreError) in try store.delete(id: "ghost") })
        let updateError = try #require(storeError { () throws(StoreError) in
            try store.update(Job(id: "ghost", taskDefinition: "report", schedule: "0"))
        })

        #expect(deleteError.code == .notFound)
        #expect(deleteError.message == "Job ghost does not exist.")
        #expect(updateError.code == .notFound)
    }

    @Test("failure statuses map to store errors")
    func errorMapping() throws {
        let store = try openStore()
        let cases: [(id: String, code: StoreError.Code, message: String)] = [
            ("busy-1", .unavailable, "memory store is busy; try again"),
            ("broken-1", .failed, "memory store is out of space"),
            ("silent-1", .failed, "The memory-test store failed to create job silent-1."),
        ]
        for (id, code, message) in cases {
            let error = storeError { () throws(StoreError) in
                try store.create(Job(id: id, taskDefinition: "report", schedule: "0"))
            }
            #expect(error?.code == code, "\(id)")
            #expect(error?.message == message, "\(id)")
        }
    }

    @Test("invalid settings fail the open")
    func invalidSettings() throws {
        do {
            _ = try openStore(settings: #"{"invalid": true}"#)
            Issue.record("the store opened with invalid settings")
        } catch let error as StoreError {
            #expect(error.code == .invalidSettings)
            #expect(error.message == "memory store settings are invalid; remove \"invalid\"")
        }
    }
}
