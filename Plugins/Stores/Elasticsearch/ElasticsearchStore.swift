import Foundation
import PluginKit

/// Jobs as Elasticsearch documents: `_id` is the job id and `_source` the job JSON without
/// "id", as the original Python ecs-scheduler stored them.
///
/// A missing index is created as `<index>-<yyyyMMdd-HHmmss>` (UTC) with the alias `<index>`,
/// so it can later be reindexed behind the alias. Every write waits for a refresh
/// (`refresh=wait_for`), so a load right after it reads the change.
///
/// Loading reads all documents through a point in time (PIT), a page at a time with
/// `search_after` on `_shard_doc`, the way the Elasticsearch 8 guide "Paginate search results"
/// recommends for reading every document. Sorting on `_id` is not an option because
/// Elasticsearch 8 disables field data on `_id`, and `_doc` alone is not unique across shards.
/// This needs Elasticsearch 7.10 or later, the first version with PITs.
final class ElasticsearchStore: StorePlugin {
    static let storeName = "elasticsearch"
    static let version = "1.0.0"
    static let summary = "Jobs as documents (_id = job id) in an Elasticsearch index, as the original ecs-scheduler stored them"

    /// How long the PIT stays open between two pages of a load.
    static let pointInTimeKeepAlive = "1m"

    let host: HostAPI
    let client: ElasticsearchClient
    /// The configured index name (an alias or a concrete index), percent-encoded for paths.
    let indexPath: String
    var index: String { client.settings.index }

    init(host: HostAPI, settings: [String: JSON]) throws(PluginError) {
        let settings = try ElasticsearchSettings(settings)
        self.host = host
        self.client = ElasticsearchClient(settings: settings, host: host)
        self.indexPath = "/" + ElasticsearchStore.encoded(settings.index)

        for name in settings.ignored {
            host.log(.warning, "Elasticsearch setting \(name) is not supported by this store and is ignored")
        }
        if !settings.verifyTLS {
            host.log(.warning, "TLS certificates of Elasticsearch nodes are not verified because client.verify_certs is false")
        }
        try ensureIndex()
        host.log(.info, "Opened Elasticsearch store in index \(settings.index) on \(settings.nodes.joined(separator: ", "))")
    }

    // MARK: - Jobs

    func loadAll(_ visit: (String, String) throws(PluginError) -> Void) throws(PluginError) {
        var pointInTime = try openPointInTime()
        defer { closePointInTime(pointInTime) }
        var searchAfter: JSON?
        while true {
            let page = try searchPage(pointInTime: pointInTime, after: searchAfter)
            pointInTime = page["pit_id"]?.stringValue ?? pointInTime
            let hits = page["hits"]?["hits"]?.arrayValue ?? []
            for hit in hits {
                guard let (id, json) = job(in: hit) else { continue }
                try visit(id, json)
            }
            guard hits.count == client.settings.pageSize, let last = hits.last?["sort"] else { return }
            searchAfter = last
        }
    }

    func get(id: String) throws(PluginError) -> String {
        let response = try client.send("GET", documentPath("_doc", id))
        if response.status == 404, response.object?["found"]?.boolValue == false { throw ElasticsearchStore.notFound(id) }
        guard response.status == 200, let source = response.object?["_source"] else {
            throw failure(response, "read job \(id) from")
        }
        return String(decoding: source.serialized(), as: UTF8.self)
    }

    /// Indexes the document with op_type create (`_create`), which Elasticsearch rejects with
    /// 409 when the id exists.
    func create(id: String, document: String) throws(PluginError) {
        let response = try client.send("PUT", documentPath("_create", id), query: "refresh=wait_for", body: Data(document.utf8))
        if response.status == 409 { throw PluginError(.conflict, "Job \(id) already exists.") }
        guard response.status == 201 || response.status == 200 else { throw failure(response, "create job \(id) in") }
    }

    /// Replaces the document.
    // NOTE: the index API cannot make this conditional on the id existing without first
    // reading its sequence number (if_seq_no), so an update writes even a document that
    // another daemon deleted meanwhile; SQLite and DynamoDB return not found instead.
    func update(id: String, document: String) throws(PluginError) {
        let response = try client.send("PUT", documentPath("_doc", id), query: "refresh=wait_for", body: Data(document.utf8))
        guard response.status == 200 || response.status == 201 else { throw failure(response, "update job \(id) in") }
    }

    func delete(id: String) throws(PluginError) {
        let response = try client.send("DELETE", documentPath("_doc", id), query: "refresh=wait_for")
        if response.status == 404, response.object?["result"]?.stringValue == "not_found" { throw ElasticsearchStore.notFound(id) }
        guard response.status == 200 else { throw failure(response, "delete job \(id) from") }
    }

    // MARK: - Documents

    private func documentPath(_ endpoint: String, _ jobID: String) -> String {
        "\(indexPath)/\(endpoint)/\(ElasticsearchStore.encoded(jobID))"
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, for one path segment.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func notFound(_ id: String) -> PluginError {
        PluginError(.notFound, "Job \(id) does not exist.")
    }

    /// Extracts the id and job JSON of a search hit; returns nil, after a log line, for a hit
    /// without `_source`.
    private func job(in hit: JSON) -> (String, String)? {
        guard let id = hit["_id"]?.stringValue else { return nil }
        guard let source = hit["_source"], source.objectValue != nil else {
            host.log(.error, "Skipped job \(id) in Elasticsearch index \(index) because its document has no _source object",
                     jobID: id)
            return nil
        }
        return (id, String(decoding: source.serialized(), as: UTF8.self))
    }

    // MARK: - Point in time

    private func openPointInTime() throws(PluginError) -> String {
        let response = try client.send("POST", "\(indexPath)/_pit", query: "keep_alive=\(ElasticsearchStore.pointInTimeKeepAlive)")
        guard response.status == 200, let id = response.object?["id"]?.stringValue else {
            throw failure(response, "open a point in time on")
        }
        return id
    }

    private func searchPage(pointInTime: String, after searchAfter: JSON?) throws(PluginError) -> JSON {
        var body: [String: JSON] = [
            "size": .number(Double(client.settings.pageSize)),
            "pit": ["id": .string(pointInTime), "keep_alive": .string(ElasticsearchStore.pointInTimeKeepAlive)],
            "sort": [["_shard_doc": "asc"]],
            "track_total_hits": false,
        ]
        if let searchAfter { body["search_after"] = searchAfter }
        let response = try client.send("POST", "/_search", body: JSON.object(body).serialized())
        guard response.status == 200, let page = response.object, page.objectValue != nil else { throw failure(response, "search") }
        return page
    }

    /// Closes the PIT to free its resources early; it would expire after the keep-alive anyway.
    private func closePointInTime(_ id: String) {
        do {
            let response = try client.send("DELETE", "/_pit", body: JSON.object(["id": .string(id)]).serialized())
            if response.status != 200 {
                host.log(.debug, "Elasticsearch did not close a point in time: \(response.errorSummary)")
            }
        } catch {
            host.log(.debug, "Elasticsearch did not close a point in time: \(error.message)")
        }
    }

    // MARK: - Index

    /// Uses the index or alias when it exists, else creates a dated index with the alias.
    private func ensureIndex() throws(PluginError) {
        let exists = try client.send("HEAD", indexPath)
        if exists.status == 200 { return }
        guard exists.status == 404 else { throw failure(exists, "check") }

        let concreteIndex = "\(index)-\(ElasticsearchStore.timestamp(Date()))"
        // Dynamic mapping is off: the store never searches on job fields, and mapping them
        // could reject a job whose field changed type (a trigger setting as a string, then a number).
        let body: JSON = ["mappings": ["dynamic": false], "aliases": .object([index: .object([:])])]
        let response = try client.send("PUT", "/" + ElasticsearchStore.encoded(concreteIndex), body: body.serialized())
        guard response.status == 200 else {
            // Another daemon created the alias meanwhile.
            if let recheck = try? client.send("HEAD", indexPath), recheck.status == 200 { return }
            throw failure(response, "create")
        }
        host.log(.info, "Created Elasticsearch index \(concreteIndex) with alias \(index)")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    // MARK: - Errors

    /// A failure for an unexpected response: 429 and 5xx may pass, the rest will not.
    private func failure(_ response: ElasticsearchResponse, _ action: String) -> PluginError {
        let status: PluginStatus = response.status == 429 || response.status >= 500 ? .retry : .error
        var message = "Elasticsearch store could not \(action) index \(index): HTTP \(response.status) \(response.errorSummary)"
        if response.status == 401 || response.status == 403 {
            message += "; check client.basic_auth or client.api_key in the configuration file"
        }
        return PluginError(status, message)
    }
}

/// The entry point of libecss-store-elasticsearch.so, which the host finds with dlsym.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    PluginExport.store(ElasticsearchStore.self)
}
