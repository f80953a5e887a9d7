import Foundation
import JobModel

extension StoreSelection {
    /// Picks the store from the store variables and `ECSS_CONFIG_FILE`.
    /// - Returns: nil when no store is configured.
    /// - Throws: `ConfigurationError` when two or more stores are configured, when a store
    ///   variable lacks its partner, or when the configuration file is unreadable or invalid.
    static func choose(values: [String: String]) throws(ConfigurationError) -> StoreSelection? {
        var candidates = try fromVariables(values)
        if let path = values["ECSS_CONFIG_FILE"] {
            candidates += try fromFile(path)
        }
        guard candidates.count <= 1 else {
            let names = candidates.map { "\($0.kind) (\($0.source))" }.joined(separator: ", ")
            let variable = candidates.contains { $0.source.hasPrefix("ECSS_CONFIG_FILE") }
                ? "ECSS_CONFIG_FILE" : candidates[1].source
            throw ConfigurationError(
                variable: variable, "more than one job store is configured: \(names); keep exactly one")
        }
        return candidates.first
    }

    private static func fromVariables(_ values: [String: String]) throws(ConfigurationError) -> [StoreSelection] {
        var stores: [StoreSelection] = []
        if let file = values["ECSS_SQLITE_FILE"] {
            stores.append(StoreSelection(kind: "sqlite", settings: ["file": .string(file)], source: "ECSS_SQLITE_FILE"))
        }
        if let bucket = values["ECSS_S3_BUCKET"] {
            var settings: [String: JSONValue] = ["bucket": .string(bucket)]
            settings["prefix"] = values["ECSS_S3_PREFIX"].map { .string($0) }
            stores.append(StoreSelection(kind: "s3", settings: .object(settings), source: "ECSS_S3_BUCKET"))
        } else if values["ECSS_S3_PREFIX"] != nil {
            throw ConfigurationError(
                variable: "ECSS_S3_PREFIX", "set without ECSS_S3_BUCKET; set the bucket too or unset the prefix")
        }
        if let table = values["ECSS_DYNAMODB_TABLE"] {
            stores.append(StoreSelection(kind: "dynamodb", settings: ["table": .string(table)], source: "ECSS_DYNAMODB_TABLE"))
        }
        if let elasticsearch = try elasticsearchFromVariables(values) {
            stores.append(elasticsearch)
        }
        return stores
    }

    private static func elasticsearchFromVariables(_ values: [String: String]) throws(ConfigurationError)
        -> StoreSelection?
    {
        let hosts = values["ECSS_ELASTICSEARCH_HOSTS"].map { text in
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        switch (values["ECSS_ELASTICSEARCH_INDEX"], hosts) {
        case (nil, nil):
            return nil
        case (nil, .some):
            throw ConfigurationError(
                variable: "ECSS_ELASTICSEARCH_HOSTS",
                "set without ECSS_ELASTICSEARCH_INDEX; set the index too or unset the hosts")
        case (.some, nil), (.some, .some([])):
            throw ConfigurationError(
                variable: "ECSS_ELASTICSEARCH_HOSTS",
                "missing; ECSS_ELASTICSEARCH_INDEX needs comma-separated node URLs such as http://node-1:9200/")
        case (.some(let index), .some(let urls)):
            let settings: JSONValue = ["index": .string(index), "hosts": .array(urls.map { .string($0) })]
            return StoreSelection(kind: "elasticsearch", settings: settings, source: "ECSS_ELASTICSEARCH_INDEX")
        }
    }

    /// Reads the stores named by the top-level keys of the YAML file at `path`.
    static func fromFile(_ path: String) throws(ConfigurationError) -> [StoreSelection] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw ConfigurationError(
                variable: "ECSS_CONFIG_FILE", "cannot read \(path): \(reason); check the path and its permissions")
        }
        let document: JSONValue
        do {
            document = try YAMLReader.parse(text)
        } catch {
            throw ConfigurationError(variable: "ECSS_CONFIG_FILE", "invalid YAML in \(path): \(error)")
        }
        guard case .object(let members) = document, !members.isEmpty else {
            throw ConfigurationError(
                variable: "ECSS_CONFIG_FILE",
                "\(path) must be a YAML mapping whose one top-level key names the store, such as elasticsearch:")
        }
        var stores: [StoreSelection] = []
        for (kind, settings) in members.sorted(by: { $0.key < $1.key }) {
            let object: JSONValue
            switch settings {
            case .object: object = settings
            case .null: object = .object([:])
            default:
                throw ConfigurationError(
                    variable: "ECSS_CONFIG_FILE", "the settings under \(kind): in \(path) must be a mapping of keys to values")
            }
            stores.append(StoreSelection(kind: kind, settings: object, source: "ECSS_CONFIG_FILE \(path)"))
        }
        return stores
    }

    /// The settings each first-party store reads, for the stores that do not check their own
    /// settings block (the Elasticsearch store logs the settings it ignores itself).
    static let knownSettings: [String: Set<String>] = [
        "sqlite": ["file"],
        "s3": ["bucket", "prefix", "page_size"],
        "dynamodb": ["table", "page_size"],
    ]

    /// Returns one warning for each setting of a configuration-file block that its store does not read.
    func unknownSettingWarnings() -> [String] {
        guard source.hasPrefix("ECSS_CONFIG_FILE"), let known = Self.knownSettings[kind],
              case .object(let members) = settings else { return [] }
        return members.keys.filter { !known.contains($0) }.sorted().map { key in
            "setting \(kind).\(key) in \(source) is not read by the \(kind) store and is ignored; "
                + "check its spelling (the store reads \(known.sorted().joined(separator: ", ")))"
        }
    }
}
