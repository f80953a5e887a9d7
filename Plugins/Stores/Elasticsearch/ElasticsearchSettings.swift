import Foundation
import PluginKit

/// The Elasticsearch store's settings, read from either form the host passes:
///
/// - from the environment: `{"index": name, "hosts": [url, ...]}`;
/// - from the configuration file: `{"index": name, "client": {"hosts": [...], "timeout": 60, ...}}`,
///   where `client` contains the settings Elasticsearch clients commonly take.
///
/// A setting the store does not support is collected in `ignored`, and the store logs each
/// one as a warning.
struct ElasticsearchSettings {
    /// Client settings that are read; every other `client` member is ignored with a warning.
    static let supportedClientKeys: Set<String> = [
        "hosts", "timeout", "request_timeout", "max_retries", "retry_on_timeout", "retry_on_status",
        "http_auth", "basic_auth", "api_key", "bearer_auth", "verify_certs", "ca_certs", "headers", "use_ssl",
    ]
    static let supportedTopLevelKeys: Set<String> = ["index", "hosts", "client", "page_size"]
    static let supportedHostKeys: Set<String> = ["host", "port", "scheme", "url_prefix", "use_ssl"]

    var index: String
    /// Base URLs of the nodes, without a trailing "/".
    var nodes: [String]
    /// Per-request timeout; the Python client's default is 10 s.
    var timeoutMilliseconds: UInt32 = 10_000
    /// Further attempts after a failed one, each on the next node; the Python client's default.
    var maxRetries = 3
    /// Whether a request that timed out is tried again; off by default, as in the Python client.
    var retryOnTimeout = false
    /// HTTP statuses tried again on the next node; the Python client's default set.
    var retryOnStatus: Set<Int> = [429, 502, 503, 504]
    /// The value of the `Authorization` header, if credentials are set.
    var authorization: String?
    var extraHeaders: [String: String] = [:]
    var verifyTLS = true
    var caFile: String?
    /// Hits per search page (at most 10,000, Elasticsearch's index.max_result_window default).
    var pageSize = 1000
    /// Names of settings given but not supported, such as `client.sniff_on_start`.
    var ignored: [String] = []

    init(_ settings: [String: JSON]) throws(PluginError) {
        guard let index = settings["index"]?.stringValue, !index.isEmpty else {
            throw .invalid("Elasticsearch store settings have no index; set ECSS_ELASTICSEARCH_INDEX "
                           + "or elasticsearch.index in the configuration file")
        }
        try ElasticsearchSettings.checkIndexName(index)
        self.index = index
        self.nodes = []
        ignored += settings.keys.filter { !ElasticsearchSettings.supportedTopLevelKeys.contains($0) }.sorted()

        let client = settings["client"]?.objectValue ?? [:]
        if settings["client"] != nil, settings["client"]?.objectValue == nil {
            throw .invalid("Elasticsearch setting client must be a mapping of client settings")
        }
        try readClient(client)
        nodes = try readHosts(client["hosts"] ?? settings["hosts"], useSSL: try bool(client["use_ssl"], "use_ssl") ?? false)
        if let size = settings["page_size"] {
            guard let size = integer(size), (1...10_000).contains(size) else {
                throw .invalid("Elasticsearch setting page_size must be a whole number from 1 to 10000")
            }
            pageSize = size
        }
    }

    // MARK: - Client settings

    private mutating func readClient(_ client: [String: JSON]) throws(PluginError) {
        ignored += client.keys.filter { !ElasticsearchSettings.supportedClientKeys.contains($0) }
            .sorted().map { "client.\($0)" }
        if let timeout = client["request_timeout"] ?? client["timeout"] {
            guard let seconds = number(timeout), seconds > 0, seconds < 4_000_000 else {
                throw .invalid("Elasticsearch setting client.timeout must be a positive number of seconds")
            }
            timeoutMilliseconds = UInt32((seconds * 1000).rounded())
        }
        if let retries = client["max_retries"] {
            guard let count = integer(retries), count >= 0 else {
                throw .invalid("Elasticsearch setting client.max_retries must be a whole number of 0 or more")
            }
            maxRetries = count
        }
        retryOnTimeout = try bool(client["retry_on_timeout"], "retry_on_timeout") ?? retryOnTimeout
        if let statuses = client["retry_on_status"] {
            let list = statuses.arrayValue ?? [statuses]
            let codes = list.compactMap(integer)
            guard codes.count == list.count else {
                throw .invalid("Elasticsearch setting client.retry_on_status must be a list of HTTP status codes")
            }
            retryOnStatus = Set(codes)
        }
        verifyTLS = try bool(client["verify_certs"], "verify_certs") ?? true
        if let path = client["ca_certs"] {
            guard let path = path.stringValue else { throw .invalid("Elasticsearch setting client.ca_certs must be a file path") }
            caFile = path
        }
        if let headers = client["headers"] {
            let values = headers.objectValue?.compactMapValues(\.stringValue) ?? [:]
            guard values.count == headers.objectValue?.count, !values.isEmpty else {
                throw .invalid("Elasticsearch setting client.headers must be a mapping of header names to text values")
            }
            extraHeaders = values
        }
        authorization = try readAuthorization(client)
    }

    /// Builds the Authorization header from http_auth/basic_auth, api_key or bearer_auth.
    private func readAuthorization(_ client: [String: JSON]) throws(PluginError) -> String? {
        let credentialKeys = ["http_auth", "basic_auth", "api_key", "bearer_auth"].filter { client[$0] != nil }
        guard credentialKeys.count <= 1 else {
            throw .invalid("Elasticsearch settings \(credentialKeys.map { "client.\($0)" }.joined(separator: " and ")) "
                           + "are all set; set only one of them")
        }
        if let basic = client["http_auth"] ?? client["basic_auth"] {
            let pair = try credentialPair(basic, "basic_auth")
            return "Basic " + Data("\(pair.0):\(pair.1)".utf8).base64EncodedString()
        }
        if let apiKey = client["api_key"] {
            // A string is the encoded key as Elasticsearch returns it; a pair is (id, api_key).
            if let encoded = apiKey.stringValue { return "ApiKey \(encoded)" }
            let pair = try credentialPair(apiKey, "api_key")
            return "ApiKey " + Data("\(pair.0):\(pair.1)".utf8).base64EncodedString()
        }
        if let token = client["bearer_auth"] {
            guard let token = token.stringValue else { throw .invalid("Elasticsearch setting client.bearer_auth must be a token") }
            return "Bearer \(token)"
        }
        return nil
    }

    /// Reads `[user, password]` or `"user:password"`. The message never repeats the value.
    private func credentialPair(_ value: JSON, _ name: String) throws(PluginError) -> (String, String) {
        if let list = value.arrayValue, list.count == 2, let first = list[0].stringValue, let second = list[1].stringValue {
            return (first, second)
        }
        if let text = value.stringValue, let colon = text.firstIndex(of: ":") {
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        throw .invalid("Elasticsearch setting client.\(name) must be a [name, secret] pair or \"name:secret\"")
    }

    // MARK: - Hosts

    /// Reads `hosts`: a list (or comma-separated string) of URLs, or of {host, port, scheme,
    /// url_prefix} maps.
    private mutating func readHosts(_ value: JSON?, useSSL: Bool) throws(PluginError) -> [String] {
        var entries: [JSON] = []
        if let text = value?.stringValue {
            entries = text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
                .filter { $0 != .string("") }
        } else if let list = value?.arrayValue {
            entries = list
        } else if let map = value, map.objectValue != nil {
            entries = [map]
        }
        guard !entries.isEmpty else {
            throw .invalid("Elasticsearch store settings have no hosts; set ECSS_ELASTICSEARCH_HOSTS to node URLs "
                           + "such as http://node-1:9200/, or elasticsearch.client.hosts in the configuration file")
        }
        var urls: [String] = []
        for entry in entries {
            if let text = entry.stringValue {
                urls.append(try ElasticsearchSettings.nodeURL(text, useSSL: useSSL))
            } else if let map = entry.objectValue {
                ignored += map.keys.filter { !ElasticsearchSettings.supportedHostKeys.contains($0) }.sorted()
                    .map { "client.hosts[].\($0)" }
                urls.append(try nodeURL(map, useSSL: useSSL))
            } else {
                throw .invalid("Elasticsearch host \(String(decoding: entry.serialized(), as: UTF8.self)) is neither a URL "
                               + "nor a {host, port, scheme, url_prefix} map")
            }
        }
        return urls
    }

    /// Builds a node URL from text such as `http://node-1:9200/` or `node-1:9200`. Without a
    /// port, http uses 9200 and https 443, as the Python client did.
    static func nodeURL(_ text: String, useSSL: Bool) throws(PluginError) -> String {
        let withScheme = text.contains("://") ? text : (useSSL ? "https://" : "http://") + text
        guard let url = URLComponents(string: withScheme), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw .invalid("Elasticsearch host \(text) is not an http:// or https:// URL")
        }
        guard url.user == nil, url.password == nil else {
            throw .invalid("Elasticsearch host URLs must not contain credentials; set client.basic_auth "
                           + "in the configuration file instead")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 9200)
        return baseURL(scheme: scheme, host: host, port: port, prefix: url.path)
    }

    private func nodeURL(_ map: [String: JSON], useSSL: Bool) throws(PluginError) -> String {
        guard let host = map["host"]?.stringValue, !host.isEmpty else {
            throw .invalid("Elasticsearch host entry \(String(decoding: JSON.object(map).serialized(), as: UTF8.self)) has no host")
        }
        let nodeUsesSSL = try bool(map["use_ssl"], "hosts[].use_ssl") ?? useSSL
        let scheme = map["scheme"]?.stringValue?.lowercased() ?? (nodeUsesSSL ? "https" : "http")
        guard scheme == "http" || scheme == "https" else {
            throw .invalid("Elasticsearch host \(host) has scheme \(scheme); use http or https")
        }
        let port = map["port"].map { integer($0) } ?? 9200
        guard let port, (1...65535).contains(port) else {
            throw .invalid("Elasticsearch host \(host) has an invalid port; use a number from 1 to 65535")
        }
        return ElasticsearchSettings.baseURL(scheme: scheme, host: host, port: port, prefix: map["url_prefix"]?.stringValue ?? "")
    }

    private static func baseURL(scheme: String, host: String, port: Int, prefix: String) -> String {
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var path = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty { path = "/" + path }
        return "\(scheme)://\(hostPart):\(port)\(path)"
    }

    // MARK: - Values

    /// Applies the index name rules of Elasticsearch's create index API: lowercase, none of
    /// `\ / * ? " < > | , #` or space, not starting with `-`, `_` or `+`, not `.` or `..`,
    /// at most 255 bytes.
    static func checkIndexName(_ name: String) throws(PluginError) {
        let forbidden = CharacterSet(charactersIn: "\\/*?\"<>| ,#")
        let valid = name == name.lowercased()
            && name.unicodeScalars.allSatisfy { !forbidden.contains($0) }
            && !["-", "_", "+"].contains(name.first.map(String.init) ?? "")
            && name != "." && name != ".." && name.utf8.count <= 255
        guard valid else {
            throw .invalid("Elasticsearch index name \(name) is invalid: use lowercase letters, digits, \"-\" and \"_\", "
                           + "not starting with \"-\", \"_\" or \"+\"")
        }
    }

    /// Reads a number, or a string holding one, as YAML values may arrive either way.
    private func number(_ value: JSON) -> Double? {
        value.numberValue ?? value.stringValue.flatMap { Double($0) }
    }

    private func integer(_ value: JSON) -> Int? {
        guard let number = number(value), number == number.rounded(), abs(number) < 1e9 else { return nil }
        return Int(number)
    }

    private func bool(_ value: JSON?, _ name: String) throws(PluginError) -> Bool? {
        guard let value else { return nil }
        if let text = value.stringValue {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        } else if let flag = value.boolValue {
            return flag
        }
        throw .invalid("Elasticsearch setting client.\(name) must be true or false")
    }
}
