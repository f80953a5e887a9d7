import PluginABI

/// A failed store operation, as a hook returns it: an ABI status and a one-line message.
public struct StoreFailure: Error, Sendable, CustomStringConvertible {
    public var status: ecss_status
    public var message: String

    public init(_ status: ecss_status, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func invalid(_ message: String) -> StoreFailure { StoreFailure(ECSS_INVALID, message) }
    public static func error(_ message: String) -> StoreFailure { StoreFailure(ECSS_ERROR, message) }
    public static func notFound(jobID: String) -> StoreFailure {
        StoreFailure(ECSS_NOT_FOUND, "Job \(jobID) does not exist.")
    }
    public static func conflict(jobID: String) -> StoreFailure {
        StoreFailure(ECSS_CONFLICT, "Job \(jobID) already exists.")
    }

    public var description: String { message }
}
