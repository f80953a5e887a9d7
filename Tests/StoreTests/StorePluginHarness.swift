import Foundation
import PluginABI
import TestSupport

/// What one store hook returned: its status and the message it set, if any.
struct HookResult: Sendable, CustomStringConvertible {
    var status: ecss_status
    var message: String?

    var description: String { "status \(status.rawValue): \(message ?? "no message")" }
}

/// A store plugin loaded with dlopen, as the daemon loads it.
struct StorePluginLibrary: @unchecked Sendable {
    // Unchecked: the descriptor and hook table are immutable static data of the plugin.
    let descriptor: UnsafePointer<ecss_plugin_descriptor>
    var hooks: ecss_store_hooks { descriptor.pointee.store!.pointee }

    /// Loads `lib<name>.so` from the build folder; fails the test with dlerror() otherwise.
    init(name: String) throws {
        let path = PackagePaths.buildDirectory.appendingPathComponent("lib\(name).so").path
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw TestSupportError("dlopen \(path) failed: \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(library, ECSS_PLUGIN_ENTRY_SYMBOL) else {
            throw TestSupportError("\(path) exports no \(ECSS_PLUGIN_ENTRY_SYMBOL)")
        }
        let entry = unsafeBitCast(symbol, to: ecss_plugin_entry_fn.self)
        guard let descriptor = entry() else { throw TestSupportError("\(path) returned no descriptor") }
        self.descriptor = descriptor
    }

    /// Calls on_open with `settings` (a JSON object) and a fresh host handle.
    func open(settings: String, hostSettings: [String: String] = [:]) -> (OpenedStore?, HookResult) {
        let handle = TestPluginHost.makeHandle(settings: hostSettings)
        var store: UnsafeMutableRawPointer?
        var error: UnsafeMutablePointer<CChar>?
        let status = hooks.on_open(TestPluginHost.api, handle, settings, &store, &error)
        let result = HookResult(status: status, message: takeMessage(error))
        guard status == ECSS_OK, let store else {
            return (nil, result)
        }
        return (OpenedStore(hooks: hooks, store: store, handle: handle), result)
    }

    /// Opens the store and fails the test when that does not succeed.
    func openOrThrow(settings: String, hostSettings: [String: String] = [:]) throws -> OpenedStore {
        let (store, result) = open(settings: settings, hostSettings: hostSettings)
        guard let store else { throw TestSupportError("on_open failed: \(result)") }
        return store
    }
}

/// An opened store: the plugin's hooks called as the daemon calls them.
final class OpenedStore: @unchecked Sendable {
    // Unchecked: the plugin's own contract makes its hooks callable from several threads.
    let hooks: ecss_store_hooks
    let store: UnsafeMutableRawPointer
    let handle: OpaquePointer

    init(hooks: ecss_store_hooks, store: UnsafeMutableRawPointer, handle: OpaquePointer) {
        self.hooks = hooks
        self.store = store
        self.handle = handle
    }

    var logLines: [PluginLogLine] { TestPluginHost.logLines(for: handle) }

    func create(_ id: String, _ json: String) -> HookResult {
        var error: UnsafeMutablePointer<CChar>?
        let status = hooks.on_create(store, id, json, &error)
        return HookResult(status: status, message: takeMessage(error))
    }

    func update(_ id: String, _ json: String) -> HookResult {
        var error: UnsafeMutablePointer<CChar>?
        let status = hooks.on_update(store, id, json, &error)
        return HookResult(status: status, message: takeMessage(error))
    }

    func delete(_ id: String) -> HookResult {
        var error: UnsafeMutablePointer<CChar>?
        let status = hooks.on_delete(store, id, &error)
        return HookResult(status: status, message: takeMessage(error))
    }

    func get(_ id: String) -> (json: String?, result: HookResult) {
        var json: UnsafeMutablePointer<CChar>?
        var error: UnsafeMutablePointer<CChar>?
        let status = hooks.on_get(store, id, &json, &error)
        return (takeMessage(json), HookResult(status: status, message: takeMessage(error)))
    }

    /// Calls on_load_all and collects every job it visits, in visiting order.
    func loadAll() -> (jobs: [(id: String, json: String)], result: HookResult) {
        final class Visits { var jobs: [(id: String, json: String)] = [] }
        let visits = Visits()
        var error: UnsafeMutablePointer<CChar>?
        let status = withExtendedLifetime(visits) {
            hooks.on_load_all(store, { context, id, json in
                let visits = Unmanaged<Visits>.fromOpaque(context!).takeUnretainedValue()
                visits.jobs.append((String(cString: id!), String(cString: json!)))
                return ECSS_OK
            }, Unmanaged.passUnretained(visits).toOpaque(), &error)
        }
        return (visits.jobs, HookResult(status: status, message: takeMessage(error)))
    }

    /// Loads the stored jobs by id, as parsed JSON objects.
    func loadAllObjects() throws -> [String: [String: Any]] {
        let (jobs, result) = loadAll()
        guard result.status == ECSS_OK else { throw TestSupportError("on_load_all failed: \(result)") }
        var objects: [String: [String: Any]] = [:]
        for job in jobs {
            objects[job.id] = try JSONSerialization.jsonObject(with: Data(job.json.utf8)) as? [String: Any]
        }
        return objects
    }

    func close() {
        hooks.on_close?(store)
    }
}

/// Copies and frees a string that a hook allocated with host_alloc.
private func takeMessage(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    defer { TestPluginHost.api.pointee.host_free(pointer) }
    return String(cString: pointer)
}
