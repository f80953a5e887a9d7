import Foundation
import Logging
import PluginABI

/// Loads the trigger and store plugins of the search path at start-up and keeps them for
/// the life of the process.
///
/// A library that fails any check is rejected with a message naming the file and the fix,
/// and logged. The daemon starts without it. Triggers are initialised (on_init) while
/// loading, but stores are only opened once the configuration picks one (`PluginJobStore`).
///
/// - Important: Libraries are never unloaded once a hook has run, because a plugin may have
///   started threads or handed out pointers into its own code.
public final class PluginHost: Sendable {
    /// The loaded plugins, in load order.
    public let plugins: [PluginInfo]
    /// The libraries that were rejected, in load order.
    public let rejections: [PluginRejection]
    /// The loaded store plugins by store name.
    public let stores: [String: LoadedStore]
    let triggers: [String: LoadedTrigger]
    private let logger = Logger(component: "plugins")

    /// Loads every plugin of `searchPath`.
    /// - Parameters:
    ///   - settings: what plugins read with host_config_get: the resolved `ECSS_*` values and
    ///     `aws.region`.
    ///   - network: the AWS and HTTP client behind host_aws_request and host_http_request.
    public init(searchPath: PluginSearchPath, settings: [String: String], network: any HostNetworkServices) {
        var loading = Loading(settings: settings, network: network)
        let (files, unreadable) = searchPath.listFiles()
        for folder in unreadable {
            logger.warning("Plugin folder cannot be read; check ECSS_PLUGIN_PATH",
                           ["plugin.folder": folder.folder, "error": folder.reason])
        }
        for file in files {
            loading.load(file, logger: logger)
        }
        plugins = loading.plugins
        rejections = loading.rejections
        stores = loading.stores
        triggers = loading.triggers
    }

    /// The loaded trigger types, sorted.
    public var triggerTypes: [String] { triggers.keys.sorted() }

    /// The loaded store names, sorted.
    public var storeNames: [String] { stores.keys.sorted() }

    /// Calls every trigger's on_shutdown hook. Stores are closed through their `PluginJobStore`.
    public func shutdown() {
        for trigger in triggers.values {
            trigger.shutdown(logger: logger)
        }
    }
}

/// The state of `PluginHost.init` while it loads one file after another.
private struct Loading {
    let settings: [String: String]
    let network: any HostNetworkServices
    let loader = PluginLoader()
    var plugins: [PluginInfo] = []
    var rejections: [PluginRejection] = []
    var stores: [String: LoadedStore] = [:]
    var triggers: [String: LoadedTrigger] = [:]

    init(settings: [String: String], network: any HostNetworkServices) {
        self.settings = settings
        self.network = network
    }

    mutating func load(_ file: PluginSearchPath.File, logger: Logger) {
        switch loader.open(file) {
        case .failure(let rejection):
            reject(rejection, logger: logger)
        case .success(let opened):
            if let rejection = duplicateRejection(opened.info, folder: file.folder) {
                dlclose(opened.library)
                reject(rejection, logger: logger)
                return
            }
            let handle = PluginHandle(typeName: opened.info.typeName, settings: settings, network: network)
            if let hooks = opened.triggerHooks {
                switch initialise(opened.info, hooks: hooks, handle: handle, folder: file.folder) {
                case .failure(let rejection):
                    reject(rejection, logger: logger)
                    return
                case .success(let trigger):
                    triggers[opened.info.typeName] = trigger
                }
            } else if let hooks = opened.storeHooks {
                stores[opened.info.typeName] = LoadedStore(info: opened.info, hooks: hooks, handle: handle)
            }
            plugins.append(opened.info)
            logger.info("Loaded plugin", [
                "plugin.kind": opened.info.kind.rawValue, "plugin.type": opened.info.typeName,
                "plugin.version": opened.info.version, "plugin.path": opened.info.path,
            ])
        }
    }

    private mutating func reject(_ rejection: PluginRejection, logger: Logger) {
        rejections.append(rejection)
        logger.error("Plugin rejected; starting without it", ["plugin.path": rejection.path, "error": rejection.message])
    }

    /// Rejects a second plugin that claims a trigger type or store name already loaded.
    private func duplicateRejection(_ info: PluginInfo, folder: String) -> PluginRejection? {
        let earlier: PluginInfo?
        switch info.kind {
        case .trigger: earlier = triggers[info.typeName]?.info
        case .store: earlier = stores[info.typeName]?.info
        }
        guard let earlier else { return nil }
        return PluginRejection(.duplicateType, path: info.path, message:
            "Plugin \(info.path) claims \(info.kind.rawValue) type \"\(info.typeName)\", which \(earlier.path) "
            + "already provides. Fix: remove one of the two libraries from the plugin folders (this one is "
            + "in \(folder)).")
    }

    /// Calls the trigger's on_init hook. The library stays loaded even when it fails.
    private func initialise(_ info: PluginInfo, hooks: ecss_trigger_hooks, handle: PluginHandle, folder: String)
        -> Result<LoadedTrigger, PluginRejection> {
        var state: UnsafeMutableRawPointer?
        guard let onInit = hooks.on_init else {
            return .success(LoadedTrigger(info: info, hooks: hooks, state: nil))
        }
        var errorText: UnsafeMutablePointer<CChar>?
        let status = onInit(HostAPI.table, handle.retainedPointer(), &state, &errorText)
        let message = takePluginString(errorText)
        guard status == ECSS_OK else {
            return .failure(PluginRejection(.initFailed, path: info.path, message:
                "Plugin \(info.path) (trigger \(info.typeName)) failed to initialise with \(statusName(status)): "
                + "\(message ?? "no message from the plugin"). Fix: correct the cause the plugin names and "
                + "restart, or move the file out of \(folder)."))
        }
        return .success(LoadedTrigger(info: info, hooks: hooks, state: state))
    }
}
