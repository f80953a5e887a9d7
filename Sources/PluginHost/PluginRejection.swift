/// A plugin library the host refused to load. The daemon starts without it.
public struct PluginRejection: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// dlopen failed: not a shared library, wrong architecture, missing dependency.
        case notLoadable
        /// The library does not export `ecss_plugin_entry`.
        case missingEntry
        /// `ecss_plugin_entry` returned NULL.
        case missingDescriptor
        /// The descriptor does not start with `ECSS_PLUGIN_MAGIC`.
        case badMagic
        /// A descriptor or hook table is smaller than ABI 1.0 requires.
        case structTooSmall
        /// The plugin's ABI major version differs from the host's.
        case abiMajorMismatch
        /// The plugin's ABI minor version is newer than the host's.
        case abiMinorTooNew
        /// The descriptor's kind is neither trigger nor store.
        case unknownKind
        /// The type name is missing or has characters other than `a-z 0-9 - _`.
        case invalidTypeName
        /// The hook table is missing or a required hook is NULL.
        case missingHook
        /// Another plugin loaded earlier claims the same trigger type or store name.
        case duplicateType
        /// The trigger's on_init hook returned an error.
        case initFailed
    }

    public var reason: Reason
    /// The library's real path.
    public var path: String
    /// A message naming the file, the problem and how to fix it.
    public var message: String

    public init(_ reason: Reason, path: String, message: String) {
        self.reason = reason
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
