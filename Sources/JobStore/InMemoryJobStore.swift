import JobModel
import Synchronization

/// The default store: keeps nothing beyond the process, so jobs are lost at exit.
public final class InMemoryJobStore: JobStore {
    private let jobs = Mutex<[String: Job]>([:])

    public init() {}

    public var name: String { "memory" }

    public func loadAll() throws(StoreError) -> JobLoadResult {
        JobLoadResult(jobs: jobs.withLock { Array($0.values) })
    }

    public func create(_ job: Job) throws(StoreError) {
        let created = jobs.withLock { stored -> Bool in
            guard stored[job.id] == nil else { return false }
            stored[job.id] = job
            return true
        }
        guard created else { throw StoreError(.conflict, "Job \(job.id) already exists.") }
    }

    public func update(_ job: Job) throws(StoreError) {
        let updated = jobs.withLock { stored -> Bool in
            guard stored[job.id] != nil else { return false }
            stored[job.id] = job
            return true
        }
        guard updated else { throw StoreError(.notFound, "Job \(job.id) does not exist.") }
    }

    public func delete(id: String) throws(StoreError) {
        let removed = jobs.withLock { $0.removeValue(forKey: id) != nil }
        guard removed else { throw StoreError(.notFound, "Job \(id) does not exist.") }
    }

    public func close() {}
}
