import JobModel

/// The job store the configuration picks: a store kind and its settings.
public struct StoreSelection: Sendable, Equatable {
    /// The store kind: `sqlite`, `s3`, `dynamodb`, `elasticsearch`, `memory`, or another
    /// name given as the top-level key of `ECSS_CONFIG_FILE`.
    public var kind: String
    /// The store's settings as a JSON object, for example `{"file": "/var/lib/jobs.db"}`.
    public var settings: JSONValue
    /// The origin of the selection for messages: the variable names or the file.
    public var source: String

    public init(kind: String, settings: JSONValue, source: String) {
        self.kind = kind
        self.settings = settings
        self.source = source
    }
}
