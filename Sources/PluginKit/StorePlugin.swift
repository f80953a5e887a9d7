import Foundation

/// A job store written in Swift: export it with `PluginExport.store(_:)` from an
/// `@_cdecl("ecss_plugin_entry")` function.
///
/// Documents are the job's JSON object text without "id", in the stored format; the store
/// keeps them as they are.
///
/// # Implementation requirements
/// - `create` must be atomic in the store itself: throw `.conflict` when the id exists, even
///   if another process wrote it.
/// - Returning from `create`, `update` or `delete` means the write is durable.
/// - The methods are called from several threads at once, but never two at once for one id.
public protocol StorePlugin: AnyObject, Sendable {
    /// The store name the configuration picks ("sqlite"): 1 to 64 of `a-z 0-9 - _`.
    static var storeName: String { get }
    /// The plugin's version, such as "1.0.0".
    static var version: String { get }
    /// One line for the start-up log.
    static var summary: String { get }

    /// Opens the store, creating what is missing (file, bucket, table, index).
    /// - Parameter settings: the store's settings object.
    /// - Throws: `PluginError.invalid` for bad settings (the daemon then exits with the
    ///   message), or another `PluginError`.
    init(host: HostAPI, settings: [String: JSON]) throws(PluginError)

    /// Calls `visit` once per stored job with its id and document, reading every page.
    /// Rethrow what `visit` throws: it means the host stopped the load.
    func loadAll(_ visit: (_ id: String, _ document: String) throws(PluginError) -> Void) throws(PluginError)

    /// Reads the document of one job. Throws `.notFound` when it is missing.
    func get(id: String) throws(PluginError) -> String

    /// Stores a new job. Throws `.conflict` when the id exists.
    func create(id: String, document: String) throws(PluginError)

    /// Replaces a job's document.
    func update(id: String, document: String) throws(PluginError)

    /// Deletes a job. Throws `.notFound` when it is missing.
    func delete(id: String) throws(PluginError)

    /// Releases the store's resources at shutdown, after the last other call has returned.
    func close()
}

extension StorePlugin {
    public func get(id: String) throws(PluginError) -> String {
        throw .error("the \(Self.storeName) store does not read single jobs")
    }

    public func close() {}
}

extension PluginExport {
    /// The descriptor for the store `type`, built once; later calls return the same one.
    public static func store(_ type: any StorePlugin.Type) -> UnsafePointer<ecss_plugin_descriptor> {
        registration.withLock { registration in
            if let existing = registration { return existing.descriptor }
            var hooks = ecss_store_hooks()
            hooks.struct_size = UInt32(MemoryLayout<ecss_store_hooks>.size)
            hooks.on_open = storeOpen
            hooks.on_load_all = storeLoadAll
            hooks.on_get = storeGet
            hooks.on_create = storeCreate
            hooks.on_update = storeUpdate
            hooks.on_delete = storeDelete
            hooks.on_close = storeClose
            var descriptor = makeDescriptor(kind: ECSS_KIND_STORE, typeName: type.storeName, version: type.version,
                                            summary: type.summary)
            descriptor.store = UnsafePointer(permanent(hooks))
            let built = Registration(descriptor: UnsafePointer(permanent(descriptor)), trigger: nil, store: type)
            registration = built
            return built.descriptor
        }
    }
}

/// A store instance and its host, behind the `store` pointer the hooks receive.
final class StoreState: Sendable {
    let store: any StorePlugin
    let host: HostAPI

    init(store: any StorePlugin, host: HostAPI) {
        self.store = store
        self.host = host
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> StoreState {
        guard let pointer else { preconditionFailure("the host passed a NULL store pointer") }
        return Unmanaged<StoreState>.fromOpaque(pointer).takeUnretainedValue()
    }
}

private typealias ErrorOut = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

private func storeOpen(_ api: UnsafePointer<ecss_host_api>?, _ handle: OpaquePointer?,
                       _ settingsJSON: UnsafePointer<CChar>?, _ storeOut: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                       _ errorOut: ErrorOut?) -> ecss_status {
    guard let api, let storeOut else { return ECSS_INVALID }
    let host = HostAPI(api: api, handle: handle)
    guard let type = PluginExport.registration.withLock({ $0?.store }) else {
        errorOut?.pointee = host.allocateString("no store type is registered; call PluginExport.store")
        return ECSS_ERROR
    }
    return callHook(host, errorOut) { () throws(PluginError) in
        let store = try type.init(host: host, settings: parseObject(settingsJSON, what: "store settings"))
        storeOut.pointee = Unmanaged.passRetained(StoreState(store: store, host: host)).toOpaque()
    }
}

private func storeLoadAll(_ pointer: UnsafeMutableRawPointer?, _ visit: ecss_job_visitor?,
                          _ context: UnsafeMutableRawPointer?, _ errorOut: ErrorOut?) -> ecss_status {
    let state = StoreState.from(pointer)
    guard let visit else { return ECSS_INVALID }
    return callHook(state.host, errorOut) { () throws(PluginError) in
        try state.store.loadAll { (id: String, document: String) throws(PluginError) in
            let status = visit(context, id, document)
            guard status == ECSS_OK else {
                throw PluginError(PluginStatus(status), "the host stopped loading at job \(id)")
            }
        }
    }
}

private func storeGet(_ pointer: UnsafeMutableRawPointer?, _ id: UnsafePointer<CChar>?,
                      _ documentOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ errorOut: ErrorOut?) -> ecss_status {
    let state = StoreState.from(pointer)
    return callHook(state.host, errorOut) { () throws(PluginError) in
        let document = try state.store.get(id: jobID(id))
        documentOut?.pointee = state.host.allocateString(document)
    }
}

private func storeCreate(_ pointer: UnsafeMutableRawPointer?, _ id: UnsafePointer<CChar>?,
                         _ document: UnsafePointer<CChar>?, _ errorOut: ErrorOut?) -> ecss_status {
    let state = StoreState.from(pointer)
    return callHook(state.host, errorOut) { () throws(PluginError) in
        try state.store.create(id: jobID(id), document: jobDocument(document))
    }
}

private func storeUpdate(_ pointer: UnsafeMutableRawPointer?, _ id: UnsafePointer<CChar>?,
                         _ document: UnsafePointer<CChar>?, _ errorOut: ErrorOut?) -> ecss_status {
    let state = StoreState.from(pointer)
    return callHook(state.host, errorOut) { () throws(PluginError) in
        try state.store.update(id: jobID(id), document: jobDocument(document))
    }
}

private func storeDelete(_ pointer: UnsafeMutableRawPointer?, _ id: UnsafePointer<CChar>?,
                         _ errorOut: ErrorOut?) -> ecss_status {
    let state = StoreState.from(pointer)
    return callHook(state.host, errorOut) { () throws(PluginError) in
        try state.store.delete(id: jobID(id))
    }
}

private func storeClose(_ pointer: UnsafeMutableRawPointer?) {
    StoreState.from(pointer).store.close()
}

private func jobID(_ id: UnsafePointer<CChar>?) throws(PluginError) -> String {
    guard let id else { throw .invalid("the host passed a NULL job id") }
    return String(cString: id)
}

private func jobDocument(_ document: UnsafePointer<CChar>?) throws(PluginError) -> String {
    guard let document else { throw .invalid("the host passed a NULL job document") }
    return String(cString: document)
}
