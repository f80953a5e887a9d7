import Foundation
import JobModel
import Logging

/// The daemon's settings, read from `ECSS_*` environment variables at start-up.
///
/// Every value may contain `{NAME}` placeholders filled from the environment; `{{` and `}}`
/// are literal braces. An empty variable counts as unset.
public struct Configuration: Sendable, Equatable {
    /// ECS cluster in which jobs start tasks (`ECSS_ECS_CLUSTER`, required).
    public var ecsCluster: String
    /// The `startedBy` value of started tasks (`ECSS_NAME`).
    public var name: String = "ecs-scheduler"
    public var logLevel: LogLevel = .warning
    /// Folder for `app.log` (`ECSS_LOG_FOLDER`); nil logs to standard error only.
    public var logFolder: String?
    /// Address the REST API listens on (`ECSS_HOST`).
    public var host: String = "127.0.0.1"
    /// Port the REST API listens on (`ECSS_PORT`).
    public var port: Int = 5000
    /// Folders searched for plugin libraries, in order (`ECSS_PLUGIN_PATH`, colon-separated).
    public var pluginPaths: [String] = []
    /// Seconds a trigger may take to return a task count before a fire fails (`ECSS_TRIGGER_TIMEOUT`).
    public var triggerTimeout: Double = 30
    /// The configured job store; nil means none, so jobs live in memory only.
    public var store: StoreSelection?
    /// Problems that do not stop the daemon (such as unknown `ECSS_` variables), to log at
    /// start-up once logging is configured.
    public var warnings: [String] = []
    /// Every non-empty `ECSS_*` value with its placeholders filled, by variable name; plugins
    /// read these with host_config_get.
    public var values: [String: String] = [:]

    public init(ecsCluster: String) {
        self.ecsCluster = ecsCluster
    }

    /// Every variable the daemon reads.
    public static let knownVariables: Set<String> = [
        "ECSS_ECS_CLUSTER", "ECSS_NAME", "ECSS_LOG_LEVEL", "ECSS_LOG_FOLDER", "ECSS_HOST", "ECSS_PORT",
        "ECSS_PLUGIN_PATH", "ECSS_TRIGGER_TIMEOUT", "ECSS_SQLITE_FILE", "ECSS_S3_BUCKET", "ECSS_S3_PREFIX",
        "ECSS_DYNAMODB_TABLE", "ECSS_ELASTICSEARCH_INDEX", "ECSS_ELASTICSEARCH_HOSTS", "ECSS_CONFIG_FILE",
    ]

    /// Reads the configuration from `environment`.
    /// - Throws: `ConfigurationError` naming the variable and the fix: a missing
    ///   `ECSS_ECS_CLUSTER`, an unknown placeholder, an invalid level, port or timeout, an
    ///   unreadable or invalid configuration file, or more than one store.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> Configuration {
        let values = try expandedValues(environment)
        guard let cluster = values["ECSS_ECS_CLUSTER"] else {
            throw ConfigurationError(
                variable: "ECSS_ECS_CLUSTER", "missing; set it to the ECS cluster in which jobs start tasks")
        }
        var configuration = Configuration(ecsCluster: cluster)
        configuration.values = values
        configuration.warnings = unknownVariableWarnings(environment)
        if let name = values["ECSS_NAME"] { configuration.name = name }
        if let level = values["ECSS_LOG_LEVEL"] { configuration.logLevel = try logLevel(level) }
        configuration.logFolder = values["ECSS_LOG_FOLDER"]
        if let host = values["ECSS_HOST"] { configuration.host = host }
        if let port = values["ECSS_PORT"] { configuration.port = try self.port(port) }
        if let paths = values["ECSS_PLUGIN_PATH"] {
            configuration.pluginPaths = paths.split(separator: ":").map(String.init)
        }
        if let timeout = values["ECSS_TRIGGER_TIMEOUT"] {
            configuration.triggerTimeout = try triggerTimeout(timeout)
        }
        configuration.store = try StoreSelection.choose(values: values)
        if let store = configuration.store {
            configuration.warnings += store.unknownSettingWarnings()
        }
        return configuration
    }

    /// Reads the non-empty `ECSS_*` values and fills their placeholders.
    private static func expandedValues(_ environment: [String: String]) throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        for name in knownVariables.sorted() {
            guard let raw = environment[name], !raw.isEmpty else { continue }
            let value = try Placeholders.expand(raw, variable: name, environment: environment)
            if !value.isEmpty { values[name] = value }
        }
        return values
    }

    private static func unknownVariableWarnings(_ environment: [String: String]) -> [String] {
        environment.keys
            .filter { $0.hasPrefix("ECSS_") && !knownVariables.contains($0) && !$0.hasPrefix("ECSS_TEST_") }
            .sorted()
            .map { "unknown variable \($0) ignored; check its spelling against the configuration table" }
    }

    private static func logLevel(_ text: String) throws(ConfigurationError) -> LogLevel {
        guard let level = LogLevel(name: text) else {
            throw ConfigurationError(
                variable: "ECSS_LOG_LEVEL", "invalid level \"\(text)\"; use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        }
        return level
    }

    private static func port(_ text: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (1...65_535).contains(port) else {
            throw ConfigurationError(variable: "ECSS_PORT", "invalid port \"\(text)\"; use a number from 1 to 65535")
        }
        return port
    }

    private static func triggerTimeout(_ text: String) throws(ConfigurationError) -> Double {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds > 0 else {
            throw ConfigurationError(
                variable: "ECSS_TRIGGER_TIMEOUT", "invalid timeout \"\(text)\"; use a positive number of seconds")
        }
        return seconds
    }
}
