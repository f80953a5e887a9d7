import Foundation
import Testing
import JobModel
@testable import JobStore

/// A store whose writes fail on demand, to check that the registry changes nothing then.
final class FailingStore: JobStore, @unchecked Sendable {
    let inner = InMemoryJobStore()
    var failWrites = false
    var name: String { "failing" }
    func loadAll() throws(StoreError) -> JobLoadResult { try inner.loadAll() }
    func create(_ job: Job) throws(StoreError) {
        if failWrites { throw StoreError(.unavailable, "disk full") }
        try inner.create(job)
    }
    func update(_ job: Job) throws(StoreError) {
        if failWrites { throw StoreError(.unavailable, "disk full") }
        try inner.update(job)
    }
    func delete(id: String) throws(StoreError) {
        if failWrites { throw StoreError(.unavailable, "disk full") }
        try inner.delete(id: id)
    }
    func close() {}
}

@Suite struct JobRegistryTests {
    @Test func pagesAreOrderedByID() throws {
        let registry = JobRegistry(store: InMemoryJobStore())
        for id in ["c", "a", "e", "b", "d"] {
            try registry.create(Job(id: id, taskDefinition: "task", schedule: "0"))
        }
        #expect(registry.page(skip: 0, count: 2).jobs.map(\.id) == ["a", "b"])
        #expect(registry.page(skip: 2, count: 2).jobs.map(\.id) == ["c", "d"])
        #expect(registry.page(skip: 4, count: 10).jobs.map(\.id) == ["e"])
        #expect(registry.page(skip: 9, count: 10).jobs.isEmpty)
        #expect(registry.page(skip: 0, count: 10).total == 5)
    }

    @Test func createConflictsOnTakenID() throws {
        let registry = JobRegistry(store: InMemoryJobStore())
        try registry.create(Job(id: "a", taskDefinition: "task", schedule: "0"))
        #expect(throws: StoreError.self) { try registry.create(Job(id: "a", taskDefinition: "other", schedule: "1")) }
        #expect(registry.job(id: "a")?.taskDefinition == "task")
    }

    @Test func failedStoreWriteChangesNothing() throws {
        let store = FailingStore()
        let registry = JobRegistry(store: store)
        try registry.create(Job(id: "a", taskDefinition: "task", schedule: "0"))
        store.failWrites = true
        #expect(throws: StoreError.self) { try registry.create(Job(id: "b", taskDefinition: "task", schedule: "0")) }
        #expect(throws: StoreError.self) { try registry.update(id: "a") { $0.schedule = "5" } }
        #expect(throws: StoreError.self) { try registry.delete(id: "a") }
        #expect(registry.allJobs().map(\.id) == ["a"])
        #expect(registry.job(id: "a")?.schedule == "0")
    }

    @Test func observersSeeEachChange() throws {
        let registry = JobRegistry(store: InMemoryJobStore())
        final class Seen: @unchecked Sendable { var lines: [String] = [] }
        let seen = Seen()
        registry.observe { change in
            switch change {
            case .created(let job): seen.lines.append("created \(job.id)")
            case .updated(let job): seen.lines.append("updated \(job.id) \(job.schedule)")
            case .deleted(let id): seen.lines.append("deleted \(id)")
            }
        }
        try registry.create(Job(id: "a", taskDefinition: "task", schedule: "0"))
        try registry.update(id: "a") { $0.schedule = "7" }
        try registry.delete(id: "a")
        #expect(seen.lines == ["created a", "updated a 7", "deleted a"])
    }
}
