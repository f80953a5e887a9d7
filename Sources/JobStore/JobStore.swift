import JobModel

/// Where jobs are kept between runs of the daemon.
///
/// The daemon keeps every job in memory (`JobRegistry`) and calls its store to load them at
/// start-up and to write each change before it responds to the API caller.
///
/// # Implementation requirements
/// - `create` must be atomic in the store itself, so that two daemons sharing a store cannot
///   both create one id: throw `StoreError` with code `.conflict` when the id exists.
/// - Returning from `create`, `update` or `delete` means the write is durable.
/// - Methods are called from several threads at once, but never two at once for one job id.
public protocol JobStore: Sendable {
    /// A short name for logs ("memory", "sqlite").
    var name: String { get }

    /// Reads every stored job. A stored job that fails validation is reported in
    /// `JobLoadResult.skipped` and never stops the load.
    func loadAll() throws(StoreError) -> JobLoadResult

    func create(_ job: Job) throws(StoreError)

    /// Replaces the stored job with the same id.
    func update(_ job: Job) throws(StoreError)

    func delete(id: String) throws(StoreError)

    /// Releases the store's resources at shutdown.
    func close()
}

/// What `JobStore.loadAll()` read.
public struct JobLoadResult: Sendable {
    public var jobs: [Job]
    /// Stored documents that are not valid jobs: their id and the reason.
    public var skipped: [(id: String, reason: String)]

    public init(jobs: [Job], skipped: [(id: String, reason: String)] = []) {
        self.jobs = jobs
        self.skipped = skipped
    }
}

/// A failed store operation.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The job id already exists (create) or a write condition failed.
        case conflict
        /// The job does not exist.
        case notFound
        /// The store could not be reached or failed; the operation may succeed later.
        case unavailable
        /// The store's settings are invalid.
        case invalidSettings
        /// Any other failure.
        case failed
    }

    public var code: Code
    /// One line saying what failed and, where known, what to do.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
