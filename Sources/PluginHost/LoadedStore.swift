import PluginABI

/// A loaded store plugin, ready to be opened with `PluginJobStore(plugin:settingsJSON:decode:)`
/// once the configuration picks it.
///
/// `@unchecked Sendable`: every property is immutable after loading, and the hooks are C
/// functions that the ABI lets the host call from any thread.
public final class LoadedStore: @unchecked Sendable {
    public let info: PluginInfo
    let hooks: ecss_store_hooks
    let handle: PluginHandle

    init(info: PluginInfo, hooks: ecss_store_hooks, handle: PluginHandle) {
        self.info = info
        self.hooks = hooks
        self.handle = handle
    }

    /// The store name ("sqlite").
    public var name: String { info.typeName }
}
