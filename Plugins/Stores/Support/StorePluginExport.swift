import Foundation
import PluginABI
import Synchronization

/// Opens a store from the host's callbacks and the store's settings (JSON object text).
public typealias StoreOpener = @Sendable (StoreHost, String) throws(StoreFailure) -> any StoreBackend

/// Builds the descriptor and hook table that a Swift store plugin returns from
/// `ecss_plugin_entry`, forwarding each hook to a `StoreBackend`.
///
/// A plugin library calls `descriptor(...)` from its `@_cdecl("ecss_plugin_entry")` function:
///
///     @_cdecl("ecss_plugin_entry")
///     public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
///         StorePluginExport.descriptor(typeName: "s3", version: "1.0.0", description: "...") { host, settings in
///             try S3Store(host: host, settingsJSON: settings)
///         }
///     }
public enum StorePluginExport {
    /// The descriptor once built; unchecked because it is never written after it is built.
    private struct BuiltDescriptor: @unchecked Sendable {
        let pointer: UnsafePointer<ecss_plugin_descriptor>
    }

    private static let state = Mutex<(opener: StoreOpener?, descriptor: BuiltDescriptor?)>((nil, nil))

    /// Returns the plugin's descriptor. The first call builds it, and it stays valid for the
    /// life of the process as the ABI requires, so later calls return the same pointer.
    public static func descriptor(typeName: String, version: String, description: String,
                                  open: @escaping StoreOpener) -> UnsafePointer<ecss_plugin_descriptor> {
        state.withLock { state in
            if let built = state.descriptor { return built.pointer }
            state.opener = open
            let hooks = UnsafeMutablePointer<ecss_store_hooks>.allocate(capacity: 1)
            hooks.initialize(to: makeHooks())
            let descriptor = UnsafeMutablePointer<ecss_plugin_descriptor>.allocate(capacity: 1)
            descriptor.initialize(to: ecss_plugin_descriptor())
            descriptor.pointee.magic = ECSS_PLUGIN_MAGIC
            descriptor.pointee.struct_size = UInt32(MemoryLayout<ecss_plugin_descriptor>.size)
            descriptor.pointee.abi_major = UInt16(ECSS_ABI_MAJOR)
            descriptor.pointee.abi_minor = UInt16(ECSS_ABI_MINOR)
            descriptor.pointee.kind = ECSS_KIND_STORE.rawValue
            descriptor.pointee.type_name = UnsafePointer(strdup(typeName))
            descriptor.pointee.plugin_version = UnsafePointer(strdup(version))
            descriptor.pointee.description = UnsafePointer(strdup(description))
            descriptor.pointee.store = UnsafePointer(hooks)
            state.descriptor = BuiltDescriptor(pointer: UnsafePointer(descriptor))
            return UnsafePointer(descriptor)
        }
    }

    static func open(host: StoreHost, settings: String) throws(StoreFailure) -> any StoreBackend {
        guard let opener = state.withLock({ $0.opener }) else {
            throw StoreFailure.error("the store plugin has no opener; ecss_plugin_entry was not called")
        }
        return try opener(host, settings)
    }
}

/// The `store` pointer of the hooks: the backend and the host that opened it.
private final class OpenedBackend {
    let backend: any StoreBackend
    let host: StoreHost

    init(backend: any StoreBackend, host: StoreHost) {
        self.backend = backend
        self.host = host
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> OpenedBackend {
        Unmanaged<OpenedBackend>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// Runs `body`, turning a thrown failure into its status and message.
    func run(_ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
             _ body: () throws(StoreFailure) -> Void) -> ecss_status {
        do {
            try body()
            return ECSS_OK
        } catch {
            errorOut?.pointee = host.allocate(error.message)
            return error.status
        }
    }
}

private func makeHooks() -> ecss_store_hooks {
    var hooks = ecss_store_hooks()
    hooks.struct_size = UInt32(MemoryLayout<ecss_store_hooks>.size)
    hooks.on_open = { api, handle, settings, storeOut, errorOut in
        guard let api, StoreHost.isComplete(api) else { return ECSS_ERROR }
        let host = StoreHost(api: api, handle: handle)
        do throws(StoreFailure) {
            let backend = try StorePluginExport.open(host: host, settings: settings.map { String(cString: $0) } ?? "{}")
            storeOut?.pointee = Unmanaged.passRetained(OpenedBackend(backend: backend, host: host)).toOpaque()
            return ECSS_OK
        } catch {
            errorOut?.pointee = host.allocate(error.message)
            return error.status
        }
    }
    hooks.on_load_all = { store, visit, context, errorOut in
        let opened = OpenedBackend.from(store)
        return opened.run(errorOut) { () throws(StoreFailure) in
            try opened.backend.loadAll { id, json throws(StoreFailure) in
                let status = visit!(context, id, json)
                if status != ECSS_OK {
                    throw StoreFailure(status, "the host stopped loading jobs at job \(id)")
                }
            }
        }
    }
    hooks.on_get = { store, jobID, jsonOut, errorOut in
        let opened = OpenedBackend.from(store)
        return opened.run(errorOut) { () throws(StoreFailure) in
            let json = try opened.backend.get(String(cString: jobID!))
            jsonOut?.pointee = opened.host.allocate(json)
        }
    }
    hooks.on_create = { store, jobID, json, errorOut in
        let opened = OpenedBackend.from(store)
        return opened.run(errorOut) { () throws(StoreFailure) in
            try opened.backend.create(String(cString: jobID!), String(cString: json!))
        }
    }
    hooks.on_update = { store, jobID, json, errorOut in
        let opened = OpenedBackend.from(store)
        return opened.run(errorOut) { () throws(StoreFailure) in
            try opened.backend.update(String(cString: jobID!), String(cString: json!))
        }
    }
    hooks.on_delete = { store, jobID, errorOut in
        let opened = OpenedBackend.from(store)
        return opened.run(errorOut) { () throws(StoreFailure) in
            try opened.backend.delete(String(cString: jobID!))
        }
    }
    hooks.on_close = { store in
        let opened = Unmanaged<OpenedBackend>.fromOpaque(store!)
        opened.takeUnretainedValue().backend.close()
        opened.release()
    }
    return hooks
}
