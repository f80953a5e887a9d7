import Foundation
import JobModel
import Synchronization

/// A change to the set of jobs, as observers of `JobRegistry` see it.
public enum JobChange: Sendable {
    case created(Job)
    case updated(Job)
    case deleted(id: String)
}

/// The daemon's view of all jobs: every job in memory, ordered by id, written through to a
/// `JobStore`.
///
/// Each change goes to the store first; only when the store accepts it does the in-memory
/// view change and observers hear of it. A store error leaves the view as it was.
///
/// # Thread safety
/// All methods may be called from any thread. Writes are serialised, so observers receive
/// changes in the order they were made. Observers run on the writing thread after the
/// registry's lock is released, and must not block.
public final class JobRegistry: Sendable {
    private struct State {
        var jobs: [String: Job] = [:]
        /// Job ids in ascending order, for pagination.
        var sortedIDs: [String] = []
        var observers: [@Sendable (JobChange) -> Void] = []
    }

    public let store: any JobStore
    private let state = Mutex(State())
    /// Serialises writes so the store and the view change in the same order.
    ///
    /// NOTE: one lock for all jobs caps write throughput at one store round trip at a time.
    /// That is ample for SQLite, but an S3 or DynamoDB store that responds in 20 ms allows
    /// about 50 writes a second. Locks per job id would lift that; the store ABI already allows calls
    /// for different ids at once.
    private let writeLock = Mutex(())

    public init(store: any JobStore) {
        self.store = store
    }

    /// Replaces the view with the store's jobs and returns the ones that could not be loaded.
    @discardableResult
    public func load() throws(StoreError) -> [(id: String, reason: String)] {
        let result = try store.loadAll()
        var jobs: [String: Job] = [:]
        jobs.reserveCapacity(result.jobs.count)
        for job in result.jobs { jobs[job.id] = job }
        let sorted = jobs.keys.sorted()
        state.withLock {
            $0.jobs = jobs
            $0.sortedIDs = sorted
        }
        return result.skipped
    }

    /// Registers a function called after every change.
    public func observe(_ observer: @escaping @Sendable (JobChange) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    public var count: Int { state.withLock { $0.jobs.count } }

    public func job(id: String) -> Job? {
        state.withLock { $0.jobs[id] }
    }

    /// Returns all jobs ordered by id.
    public func allJobs() -> [Job] {
        state.withLock { state in state.sortedIDs.compactMap { state.jobs[$0] } }
    }

    /// Returns one page of jobs ordered by id, and the total number of jobs.
    public func page(skip: Int, count: Int) -> (jobs: [Job], total: Int) {
        state.withLock { state in
            let total = state.sortedIDs.count
            let start = min(max(skip, 0), total)
            let end = min(start + max(count, 0), total)
            return (state.sortedIDs[start..<end].compactMap { state.jobs[$0] }, total)
        }
    }

    /// Stores a new job. Throws `.conflict` when the id is taken here or in the store.
    public func create(_ job: Job) throws(StoreError) {
        try write { () throws(StoreError) -> JobChange in
            guard self.job(id: job.id) == nil else {
                throw StoreError(.conflict, "Job \(job.id) already exists.")
            }
            try store.create(job)
            state.withLock { state in
                state.jobs[job.id] = job
                let index = insertionIndex(of: job.id, in: state.sortedIDs)
                state.sortedIDs.insert(job.id, at: index)
            }
            return .created(job)
        }
    }

    /// Applies `change` to the current job with `id` and stores the result.
    ///
    /// `change` runs while other writes wait, so it receives the latest version of the job.
    /// This is how the scheduler records a run without losing an API update made meanwhile.
    /// - Returns: the stored job.
    @discardableResult
    public func update(id: String, _ change: (inout Job) throws(StoreError) -> Void) throws(StoreError) -> Job {
        var updated: Job?
        try write { () throws(StoreError) -> JobChange in
            guard var job = self.job(id: id) else {
                throw StoreError(.notFound, "Job \(id) does not exist.")
            }
            try change(&job)
            try store.update(job)
            let stored = job
            state.withLock { $0.jobs[id] = stored }
            updated = stored
            return .updated(stored)
        }
        return updated!
    }

    public func delete(id: String) throws(StoreError) {
        try write { () throws(StoreError) -> JobChange in
            guard self.job(id: id) != nil else {
                throw StoreError(.notFound, "Job \(id) does not exist.")
            }
            try store.delete(id: id)
            state.withLock { state in
                state.jobs[id] = nil
                let index = insertionIndex(of: id, in: state.sortedIDs)
                if index < state.sortedIDs.count, state.sortedIDs[index] == id {
                    state.sortedIDs.remove(at: index)
                }
            }
            return .deleted(id: id)
        }
    }

    /// Runs one write under the write lock, then notifies the observers.
    private func write(_ body: () throws(StoreError) -> JobChange) throws(StoreError) {
        let result: Result<JobChange, StoreError> = writeLock.withLock { _ in
            do throws(StoreError) {
                return .success(try body())
            } catch {
                return .failure(error)
            }
        }
        let change = try result.get()
        let observers = state.withLock { $0.observers }
        for observer in observers { observer(change) }
    }
}

/// Returns the index at which `id` is or would be in the ascending array `ids` (binary search).
func insertionIndex(of id: String, in ids: [String]) -> Int {
    var low = 0
    var high = ids.count
    while low < high {
        let middle = (low + high) / 2
        if ids[middle] < id { low = middle + 1 } else { high = middle }
    }
    return low
}
