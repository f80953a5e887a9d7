import Foundation
import JobModel
import JobStore
import PluginHost
import Testing
import TestSupport

/// The store plugin of Tests/Plugins/SwiftTestStore, written with PluginKit, through
/// `PluginJobStore`.
@Suite("PluginKit store")
struct PluginKitStoreTests {
    /// Opens the swift-test store, linked into a new folder from the build folder.
    func openStore(settings: String) throws -> PluginJobStore {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("swift-test-store.so"),
            withDestinationURL: PackagePaths.buildDirectory.appendingPathComponent("libswift-test-store.so"))
        let host = makeHost(folder: folder)
        let plugin = try #require(host.stores["swift-test"])
        #expect(plugin.info.version == "0.1.0")
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

    @Test("load all reads every document")
    func loadAll() throws {
        LogCapture.start()
        let store = try openStore(settings: #"{"preload": 2}"#)

        let result = try store.loadAll()

        #expect(result.jobs.map(\.id) == ["job-1", "job-2"])
        #expect(result.skipped.isEmpty)
        #expect(!LogCapture.lines(containing: "Store opened with 2 documents").isEmpty)
    }

    @Test("writes round trip")
    func roundTrip() throws {
        let store = try openStore(settings: "{}")
        var job = Job(id: "nightly", taskDefinition: "report", schedule: "0 0 2")

        try store.create(job)
        job.taskDefinition = "summary"
        try store.update(job)
        #expect(try store.loadAll().jobs.first?.taskDefinition == "summary")

        try store.delete(id: "nightly")
        #expect(try store.loadAll().jobs.isEmpty)
        store.close()
    }

    @Test("errors keep code and message")
    func errors() throws {
        let store = try openStore(settings: "{}")
        let job = Job(id: "twice", taskDefinition: "report", schedule: "0")
        try store.create(job)

        let conflict = storeError { () throws(StoreError) in try store.create(job) }
        let missingUpdate = storeError { () throws(StoreError) in
            try store.update(Job(id: "ghost", taskDefinition: "report", schedule: "0"))
        }
        let missingDelete = storeError { () throws(StoreError) in try store.delete(id: "ghost") }
        let busy = storeError { () throws(StoreError) in try store.delete(id: "busy-1") }

        #expect(conflict?.code == .conflict)
        #expect(conflict?.message == "swift-test store already has job twice")
        #expect(missingUpdate?.code == .notFound)
        #expect(missingDelete?.code == .notFound)
        #expect(missingDelete?.message == "swift-test store has no job ghost")
        #expect(busy?.code == .unavailable)
        #expect(busy?.message == "swift-test store is busy; try again")
    }

    @Test("invalid settings fail the open")
    func invalidSettings() throws {
        do {
            _ = try openStore(settings: #"{"invalid": true}"#)
            Issue.record("the store opened with invalid settings")
        } catch let error as StoreError {
            #expect(error.code == .invalidSettings)
            #expect(error.message == "swift-test store settings are invalid; remove \"invalid\"")
        }
        do {
            _ = try openStore(settings: "[1]")
            Issue.record("the store opened with settings that are not an object")
        } catch let error as StoreError {
            #expect(error.code == .invalidSettings)
            #expect(error.message == "store settings must be a JSON object")
        }
    }
}
