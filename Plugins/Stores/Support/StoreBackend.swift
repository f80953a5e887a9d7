/// A job store written in Swift, exported as a store plugin by `StorePluginExport`.
///
/// Job JSON is the job's object text without "id", exactly as the host passes it and as it is
/// stored.
///
/// # Implementation requirements
/// - `create` is atomic in the store: it throws `StoreFailure.conflict` when the id exists,
///   even when another process wrote it.
/// - Returning from `create`, `update` or `delete` means the write is durable.
/// - `get`, `create`, `update` and `delete` are called from several threads at once, but
///   never two at once for one job id.
/// - `loadAll` visits every stored job, reading every page. A document that is not JSON is
///   logged with its id and skipped. JSON that is not a valid job is still visited, because
///   the host validates it.
public protocol StoreBackend: AnyObject, Sendable {
    func loadAll(_ visit: (_ jobID: String, _ jobJSON: String) throws(StoreFailure) -> Void) throws(StoreFailure)
    func get(_ jobID: String) throws(StoreFailure) -> String
    func create(_ jobID: String, _ jobJSON: String) throws(StoreFailure)
    func update(_ jobID: String, _ jobJSON: String) throws(StoreFailure)
    func delete(_ jobID: String) throws(StoreFailure)
    func close()
}
