import Foundation
import JobModel
import JobStore
import Logging
import PluginABI
import Synchronization

/// A `JobStore` kept by a store plugin: each method calls one of the plugin's hooks.
///
/// Statuses map to `StoreError` codes: `ECSS_CONFLICT` to `.conflict`, `ECSS_NOT_FOUND` to
/// `.notFound`, `ECSS_RETRY` to `.unavailable`, `ECSS_INVALID` to `.invalidSettings` and
/// anything else to `.failed`, each with the plugin's message.
///
/// `@unchecked Sendable`: `plugin` and `store` never change after init. The ABI requires the
/// store hooks to accept calls from several threads at once, and `isClosed` is atomic.
public final class PluginJobStore: JobStore, @unchecked Sendable {
    /// Builds a job from a stored document: the job id and the JSON text without `id`.
    public typealias Decoder = @Sendable (_ id: String, _ json: String) throws -> Job

    private let plugin: LoadedStore
    private let store: UnsafeMutableRawPointer?
    private let decode: Decoder
    private let isClosed = Atomic(false)

    /// Opens the store with its on_open hook.
    /// - Parameters:
    ///   - settingsJSON: a JSON object with the store's settings.
    ///   - decode: builds a job from each stored document that `loadAll()` reads.
    /// - Throws: `StoreError` with the plugin's message when on_open fails.
    public init(plugin: LoadedStore, settingsJSON: String, decode: @escaping Decoder) throws(StoreError) {
        self.plugin = plugin
        self.decode = decode
        var store: UnsafeMutableRawPointer?
        var errorText: UnsafeMutablePointer<CChar>?
        let status = plugin.hooks.on_open(HostAPI.table, plugin.handle.retainedPointer(), settingsJSON, &store,
                                          &errorText)
        let message = takePluginString(errorText)
        guard status == ECSS_OK else {
            throw StoreError(Self.code(for: status), message ?? "The \(plugin.name) store failed to open "
                + "(\(statusName(status))); check its settings.")
        }
        self.store = store
    }

    public var name: String { plugin.name }

    public func loadAll() throws(StoreError) -> JobLoadResult {
        let collector = DocumentCollector()
        var errorText: UnsafeMutablePointer<CChar>?
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let status = withExtendedLifetime(collector) {
            plugin.hooks.on_load_all(store, collectDocument, context, &errorText)
        }
        let message = takePluginString(errorText)
        guard status == ECSS_OK else {
            throw StoreError(Self.code(for: status), message ?? "The \(name) store failed to load the jobs "
                + "(\(statusName(status))).")
        }

        var result = JobLoadResult(jobs: [])
        let collected = collector.documents.withLock { $0 }
        result.skipped = collected.skipped
        for document in collected.documents {
            do {
                result.jobs.append(try decode(document.id, document.json))
            } catch {
                result.skipped.append((document.id, "\(error)"))
            }
        }
        return result
    }

    public func create(_ job: Job) throws(StoreError) {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = plugin.hooks.on_create(store, job.id, job.storedJSON(), &errorText)
        try check(status, errorText, job.id, action: "create")
    }

    public func update(_ job: Job) throws(StoreError) {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = plugin.hooks.on_update(store, job.id, job.storedJSON(), &errorText)
        try check(status, errorText, job.id, action: "update")
    }

    public func delete(id: String) throws(StoreError) {
        var errorText: UnsafeMutablePointer<CChar>?
        let status = plugin.hooks.on_delete(store, id, &errorText)
        try check(status, errorText, id, action: "delete")
    }

    /// Calls on_close once; later calls do nothing.
    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        plugin.hooks.on_close?(store)
    }

    private func check(_ status: ecss_status, _ errorText: UnsafeMutablePointer<CChar>?, _ id: String,
                       action: String) throws(StoreError) {
        let message = takePluginString(errorText)
        guard status != ECSS_OK else { return }
        let code = Self.code(for: status)
        throw StoreError(code, message ?? Self.defaultMessage(code, id: id, action: action, store: name))
    }

    /// Builds the message for a failure the plugin did not describe.
    private static func defaultMessage(_ code: StoreError.Code, id: String, action: String, store: String) -> String {
        switch code {
        case .conflict: return "Job \(id) already exists."
        case .notFound: return "Job \(id) does not exist."
        default: return "The \(store) store failed to \(action) job \(id)."
        }
    }

    static func code(for status: ecss_status) -> StoreError.Code {
        switch status {
        case ECSS_CONFLICT: return .conflict
        case ECSS_NOT_FOUND: return .notFound
        case ECSS_RETRY: return .unavailable
        case ECSS_INVALID: return .invalidSettings
        default: return .failed
        }
    }
}

/// The documents on_load_all passes to the visitor.
private final class DocumentCollector: Sendable {
    struct Documents {
        var documents: [(id: String, json: String)] = []
        var skipped: [(id: String, reason: String)] = []
    }

    let documents = Mutex(Documents())
}

/// Collects one document for `loadAll()`: the `ecss_job_visitor`, whose `context` is a
/// `DocumentCollector`.
private func collectDocument(_ context: UnsafeMutableRawPointer?, _ id: UnsafePointer<CChar>?,
                             _ json: UnsafePointer<CChar>?) -> ecss_status {
    guard let context else { return ECSS_INVALID }
    let collector = Unmanaged<DocumentCollector>.fromOpaque(context).takeUnretainedValue()
    guard let id else {
        collector.documents.withLock { $0.skipped.append(("", "the store passed a job without an id")) }
        return ECSS_OK
    }
    let jobID = String(cString: id)
    guard let json else {
        collector.documents.withLock { $0.skipped.append((jobID, "the store passed no JSON for the job")) }
        return ECSS_OK
    }
    let document = (id: jobID, json: String(cString: json))
    collector.documents.withLock { $0.documents.append(document) }
    return ECSS_OK
}
