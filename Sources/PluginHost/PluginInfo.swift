/// The kind of a plugin library: trigger or store.
public enum PluginKind: String, Sendable {
    case trigger
    case store
}

/// The identity of a loaded plugin, as its descriptor states it.
public struct PluginInfo: Sendable, Equatable {
    public var kind: PluginKind
    /// Trigger type ("sqs") or store name ("sqlite").
    public var typeName: String
    /// The plugin's own version, such as "1.0.0".
    public var version: String
    /// The plugin's one-line description.
    public var summary: String
    /// The library's real path.
    public var path: String
    /// The plugin ABI version the plugin was built for, such as "1.0".
    public var abiVersion: String
}
