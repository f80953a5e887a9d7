import Foundation
// Plugins read settings, jobs and AWS responses as JSONValue, so every plugin needs the type.
@_exported import JSONCore

/// The JSON value type under a shorter name, as the plugins spell it.
public typealias JSON = JSONValue

extension JSONValue {
    /// Parses NUL-terminated JSON text from the host.
    /// - Throws: `PluginError` with status `.invalid` when the text is not JSON.
    public static func parse(_ text: UnsafePointer<CChar>) throws(PluginError) -> JSONValue {
        do {
            return try parse(Data(bytes: text, count: strlen(text)))
        } catch {
            throw PluginError(error)
        }
    }
}

extension PluginError {
    /// Creates an `.invalid` error from text that is not JSON.
    public init(_ error: JSONValue.ParseError) {
        self.init(.invalid, error.message)
    }
}
