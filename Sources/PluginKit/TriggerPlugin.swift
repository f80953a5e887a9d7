import Foundation
import Synchronization

/// A trigger written in Swift: export it with `PluginExport.trigger(_:)` from an
/// `@_cdecl("ecss_plugin_entry")` function.
///
/// ```swift
/// @_cdecl("ecss_plugin_entry")
/// public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
///     PluginExport.trigger(MyTrigger.self)
/// }
/// ```
///
/// # Implementation requirements
/// `validate` runs on API threads and must not block on the network; `evaluate` runs on host
/// worker threads, several at once for different jobs. Both may run at the same time.
public protocol TriggerPlugin: AnyObject, Sendable {
    /// The trigger type jobs name ("sqs"): 1 to 64 of `a-z 0-9 - _`.
    static var typeName: String { get }
    /// The plugin's version, such as "1.0.0".
    static var version: String { get }
    /// One line for the start-up log.
    static var summary: String { get }

    /// Creates the plugin once, when the host loads it.
    /// - Throws: `PluginError`; the host then starts without the plugin and logs the message.
    init(host: HostAPI) throws(PluginError)

    /// Checks a job's trigger object (with its "type").
    /// - Throws: `PluginError.invalid` with a message for the API caller.
    func validate(trigger: [String: JSON]) throws(PluginError)

    /// The number of tasks that should be running after this fire of `job` (the job's JSON
    /// object with "id", "taskCount", "maxCount" when set, and "trigger").
    /// - Throws: `PluginError`; this fire then fails.
    func evaluate(job: [String: JSON]) throws(PluginError) -> Int

    /// Releases resources at shutdown, after the last other call has returned.
    func shutdown()
}

extension TriggerPlugin {
    public func shutdown() {}
}

/// Builds the descriptors that `ecss_plugin_entry` returns for Swift plugins.
public enum PluginExport {
    /// The registered plugin type and its descriptor, built on the first call.
    struct Registration: @unchecked Sendable {
        // The descriptor and the hook table it points to, in memory never freed.
        var descriptor: UnsafePointer<ecss_plugin_descriptor>
        var trigger: (any TriggerPlugin.Type)?
        var store: (any StorePlugin.Type)?
    }

    static let registration = Mutex<Registration?>(nil)

    /// The descriptor for the trigger `type`, built once; later calls return the same one.
    public static func trigger(_ type: any TriggerPlugin.Type) -> UnsafePointer<ecss_plugin_descriptor> {
        registration.withLock { registration in
            if let existing = registration { return existing.descriptor }
            var hooks = ecss_trigger_hooks()
            hooks.struct_size = UInt32(MemoryLayout<ecss_trigger_hooks>.size)
            hooks.on_init = triggerInit
            hooks.on_validate = triggerValidate
            hooks.on_evaluate = triggerEvaluate
            hooks.on_shutdown = triggerShutdown
            var descriptor = makeDescriptor(kind: ECSS_KIND_TRIGGER, typeName: type.typeName, version: type.version,
                                            summary: type.summary)
            descriptor.trigger = UnsafePointer(permanent(hooks))
            let built = Registration(descriptor: UnsafePointer(permanent(descriptor)), trigger: type, store: nil)
            registration = built
            return built.descriptor
        }
    }

    /// Builds a descriptor with the identity fields filled. The strings are copied into
    /// memory that is never freed.
    static func makeDescriptor(kind: ecss_plugin_kind, typeName: String, version: String, summary: String)
        -> ecss_plugin_descriptor {
        var descriptor = ecss_plugin_descriptor()
        descriptor.magic = ECSS_PLUGIN_MAGIC
        descriptor.struct_size = UInt32(MemoryLayout<ecss_plugin_descriptor>.size)
        descriptor.abi_major = UInt16(ECSS_ABI_MAJOR)
        descriptor.abi_minor = UInt16(ECSS_ABI_MINOR)
        descriptor.kind = kind.rawValue
        descriptor.type_name = UnsafePointer(strdup(typeName))
        descriptor.plugin_version = UnsafePointer(strdup(version))
        descriptor.description = UnsafePointer(strdup(summary))
        return descriptor
    }

    /// Copies `value` into memory that is never freed, as the ABI requires of descriptors.
    static func permanent<T>(_ value: T) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
        pointer.initialize(to: value)
        return pointer
    }
}

/// A trigger instance and its host, behind the `state` pointer the hooks receive.
final class TriggerState: Sendable {
    let plugin: any TriggerPlugin
    let host: HostAPI

    init(plugin: any TriggerPlugin, host: HostAPI) {
        self.plugin = plugin
        self.host = host
    }

    static func from(_ state: UnsafeMutableRawPointer?) -> TriggerState {
        guard let state else { preconditionFailure("the host passed a NULL trigger state") }
        return Unmanaged<TriggerState>.fromOpaque(state).takeUnretainedValue()
    }
}

private func triggerInit(_ api: UnsafePointer<ecss_host_api>?, _ handle: OpaquePointer?,
                         _ stateOut: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                         _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    guard let api, let stateOut else { return ECSS_INVALID }
    let host = HostAPI(api: api, handle: handle)
    guard let type = PluginExport.registration.withLock({ $0?.trigger }) else {
        errorOut?.pointee = host.allocateString("no trigger type is registered; call PluginExport.trigger")
        return ECSS_ERROR
    }
    do throws(PluginError) {
        let plugin = try type.init(host: host)
        stateOut.pointee = Unmanaged.passRetained(TriggerState(plugin: plugin, host: host)).toOpaque()
        return ECSS_OK
    } catch {
        errorOut?.pointee = host.allocateString(error.message)
        return error.status.cValue
    }
}

private func triggerValidate(_ state: UnsafeMutableRawPointer?, _ triggerJSON: UnsafePointer<CChar>?,
                             _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    let trigger = TriggerState.from(state)
    return callHook(trigger.host, errorOut) { () throws(PluginError) in
        try trigger.plugin.validate(trigger: parseObject(triggerJSON, what: "trigger"))
    }
}

private func triggerEvaluate(_ state: UnsafeMutableRawPointer?, _ jobJSON: UnsafePointer<CChar>?,
                             _ countOut: UnsafeMutablePointer<Int32>?,
                             _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    let trigger = TriggerState.from(state)
    return callHook(trigger.host, errorOut) { () throws(PluginError) in
        let count = try trigger.plugin.evaluate(job: parseObject(jobJSON, what: "job"))
        countOut?.pointee = Int32(clamping: count)
    }
}

private func triggerShutdown(_ state: UnsafeMutableRawPointer?) {
    TriggerState.from(state).plugin.shutdown()
}

/// Runs a hook's body and turns a thrown `PluginError` into its status and message.
func callHook(_ host: HostAPI, _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
              _ body: () throws(PluginError) -> Void) -> ecss_status {
    do throws(PluginError) {
        try body()
        return ECSS_OK
    } catch {
        errorOut?.pointee = host.allocateString(error.message)
        return error.status.cValue
    }
}

/// Parses JSON object text that the host passed.
func parseObject(_ text: UnsafePointer<CChar>?, what: String) throws(PluginError) -> [String: JSON] {
    guard let text, case .object(let members) = try JSON.parse(text) else {
        throw .invalid("\(what) must be a JSON object")
    }
    return members
}
