/// Log levels, named and numbered as in Python's logging module, which the original tool
/// used and whose names `ECSS_LOG_LEVEL` takes.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug = 10
    case info = 20
    case warning = 30
    case error = 40
    case critical = 50

    /// Reads a level name (`DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`), ignoring case.
    public init?(name: String) {
        switch name.uppercased() {
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        case "CRITICAL": self = .critical
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "CRITICAL"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
