@_exported import PluginABI

/// The result codes of the plugin ABI (`ecss_status`), for Swift plugins.
public enum PluginStatus: Sendable, Equatable {
    case ok
    /// Failed; retrying the same call will not help.
    case error
    /// Failed for a passing reason (timeout, throttling, 5xx); may succeed later.
    case retry
    case notFound
    case conflict
    /// The input (trigger or store settings) is invalid.
    case invalid

    public init(_ status: ecss_status) {
        switch status {
        case ECSS_OK: self = .ok
        case ECSS_RETRY: self = .retry
        case ECSS_NOT_FOUND: self = .notFound
        case ECSS_CONFLICT: self = .conflict
        case ECSS_INVALID: self = .invalid
        default: self = .error
        }
    }

    public var cValue: ecss_status {
        switch self {
        case .ok: return ECSS_OK
        case .error: return ECSS_ERROR
        case .retry: return ECSS_RETRY
        case .notFound: return ECSS_NOT_FOUND
        case .conflict: return ECSS_CONFLICT
        case .invalid: return ECSS_INVALID
        }
    }
}

/// A failed plugin call: the status the hook returns and the one-line message the host logs
/// or shows the API caller.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var status: PluginStatus
    public var message: String
    /// The response of the host_aws_request or host_http_request call that failed, if any.
    public var response: HostResponse?

    public init(_ status: PluginStatus, _ message: String, response: HostResponse? = nil) {
        self.status = status
        self.message = message
        self.response = response
    }

    /// Creates an error for invalid settings, with a message for the API caller ("sqs trigger requires queueName").
    public static func invalid(_ message: String) -> PluginError { PluginError(.invalid, message) }

    /// Creates an error that retrying will not fix.
    public static func error(_ message: String) -> PluginError { PluginError(.error, message) }

    /// Creates an error for a passing failure, which may not recur on a later call.
    public static func retry(_ message: String) -> PluginError { PluginError(.retry, message) }

    public var description: String { message }
}
