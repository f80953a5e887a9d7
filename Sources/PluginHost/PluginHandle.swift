import Logging
import PluginABI

/// The context of one loaded plugin's callbacks: its name for logs, and the host's settings
/// and network services.
///
/// A plugin receives it as an opaque `ecss_host_handle *`. Each handle is retained for the
/// life of the process, because the ABI promises that handles stay valid until exit.
final class PluginHandle: Sendable {
    let typeName: String
    let logger: Logger
    let settings: [String: String]
    let network: any HostNetworkServices

    init(typeName: String, settings: [String: String], network: any HostNetworkServices) {
        self.typeName = typeName
        self.logger = Logger(component: typeName)
        self.settings = settings
        self.network = network
    }

    /// Retains the handle for the life of the process and returns the pointer the plugin gets.
    func retainedPointer() -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(self).toOpaque())
    }

    /// Returns the handle behind a pointer from `retainedPointer()`, or nil for NULL.
    static func from(_ pointer: OpaquePointer?) -> PluginHandle? {
        guard let pointer else { return nil }
        return Unmanaged<PluginHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}
