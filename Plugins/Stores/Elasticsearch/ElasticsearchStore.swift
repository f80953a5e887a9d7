import Foundation
import PluginABI
import StorePluginSupport

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
final class ElasticsearchStore: StoreBackend {
    /// How long the PIT stays open between two pages of a load.
    static let pointInTimeKeepAlive = "1m"

    let host: StoreHost
    let client: ElasticsearchClient
    /// The configured index name (an alias or a concrete index), percent-encoded for paths.
    let indexPath: String
    var index: String { client.settings.index }

    init(host: StoreHost, settingsJSON: String) throws(StoreFailure) {
        let settings = try ElasticsearchSettings(json: settingsJSON)
        self.host = host
        self.client = ElasticsearchClient(settings: settings, host: host)
        self.indexPath = "/" + percentEncoded(settings.index)

        for name in settings.ignored {
            host.log(ECSS_LOG_WARNING, "Elasticsearch setting \(name) is not supported by this store and is ignored")
        }
        if !settings.verifyTLS {
            host.log(ECSS_LOG_WARNING, "TLS certificates of Elasticsearch nodes are not verified (client.verify_certs is false)")
        }
        try ensureIndex()
        host.log(ECSS_LOG_INFO, "opened Elasticsearch store in index \(settings.index) on \(settings.nodes.joined(separator: ", "))")
    }

    // MARK: - Jobs

    func loadAll(_ visit: (String, String) throws(StoreFailure) -> Void) throws(StoreFailure) {
        var pointInTime = try openPointInTime()
        defer { closePointInTime(pointInTime) }
        var searchAfter: Any?
        while true {
            let page = try searchPage(pointInTime: pointInTime, after: searchAfter)
            pointInTime = page["pit_id"] as? String ?? pointInTime
            let hits = (page["hits"] as? [String: Any])?["hits"] as? [[String: Any]] ?? []
            for hit in hits {
                guard let (id, json) = job(in: hit) else { continue }
                try visit(id, json)
            }
            guard hits.count == client.settings.pageSize, let last = hits.last?["sort"] else { return }
            searchAfter = last
        }
    }

    func get(_ jobID: String) throws(StoreFailure) -> String {
        let response = try client.send("GET", documentPath("_doc", jobID))
        if response.status == 404, response.object?["found"] as? Bool == false { throw .notFound(jobID: jobID) }
        guard response.status == 200, let source = response.object?["_source"] else {
            throw failure(response, "read job \(jobID) from")
        }
        return JSONText.text(source)
    }

    /// Indexes the document with op_type create (`_create`), which Elasticsearch rejects with
    /// 409 when the id exists.
    func create(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        let response = try client.send("PUT", documentPath("_create", jobID), query: "refresh=wait_for", body: Data(jobJSON.utf8))
        if response.status == 409 { throw .conflict(jobID: jobID) }
        guard response.status == 201 || response.status == 200 else { throw failure(response, "create job \(jobID) in") }
    }

    /// Replaces the document. The index API cannot make this conditional on the id existing
    /// without first reading its sequence number, so this writes even a document that another
    /// daemon deleted meanwhile.
    func update(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        let response = try client.send("PUT", documentPath("_doc", jobID), query: "refresh=wait_for", body: Data(jobJSON.utf8))
        guard response.status == 200 || response.status == 201 else { throw failure(response, "update job \(jobID) in") }
    }

    func delete(_ jobID: String) throws(StoreFailure) {
        let response = try client.send("DELETE", documentPath("_doc", jobID), query: "refresh=wait_for")
        if response.status == 404, response.object?["result"] as? String == "not_found" { throw .notFound(jobID: jobID) }
        guard response.status == 200 else { throw failure(response, "delete job \(jobID) from") }
    }

    func close() {}

    // MARK: - Documents

    private func documentPath(_ endpoint: String, _ jobID: String) -> String {
        "\(indexPath)/\(endpoint)/\(percentEncoded(jobID))"
    }

    /// Extracts the id and job JSON of a search hit; returns nil, after a log line, for a hit
    /// without `_source`.
    private func job(in hit: [String: Any]) -> (String, String)? {
        guard let id = hit["_id"] as? String else { return nil }
        guard let source = hit["_source"] as? [String: Any] else {
            host.log(ECSS_LOG_ERROR, "skipped job \(id) in Elasticsearch index \(index): its document has no _source object", jobID: id)
            return nil
        }
        return (id, JSONText.text(source))
    }

    // MARK: - Point in time

    private func openPointInTime() throws(StoreFailure) -> String {
        let response = try client.send("POST", "\(indexPath)/_pit", query: "keep_alive=\(ElasticsearchStore.pointInTimeKeepAlive)")
        guard response.status == 200, let id = response.object?["id"] as? String else {
            throw failure(response, "open a point in time on")
        }
        return id
    }

    private func searchPage(pointInTime: String, after searchAfter: Any?) throws(StoreFailure) -> [String: Any] {
        var body: [String: Any] = [
            "size": client.settings.pageSize,
            "pit": ["id": pointInTime, "keep_alive": ElasticsearchStore.pointInTimeKeepAlive],
            "sort": [["_shard_doc": "asc"]],
            "track_total_hits": false,
        ]
        if let searchAfter { body["search_after"] = searchAfter }
        let response = try client.send("POST", "/_search", body: JSONText.data(body))
        guard response.status == 200, let page = response.object else { throw failure(response, "search") }
        return page
    }

    /// Closes the PIT to free its resources early; it would expire after the keep-alive anyway.
    private func closePointInTime(_ id: String) {
        do {
            let response = try client.send("DELETE", "/_pit", body: JSONText.data(["id": id]))
            if response.status != 200 {
                host.log(ECSS_LOG_DEBUG, "Elasticsearch did not close a point in time: \(response.errorSummary)")
            }
        } catch {
            host.log(ECSS_LOG_DEBUG, "Elasticsearch did not close a point in time: \(error.message)")
        }
    }

    // MARK: - Index

    /// Uses the index or alias when it exists, else creates a dated index with the alias.
    private func ensureIndex() throws(StoreFailure) {
        let exists = try client.send("HEAD", indexPath)
        if exists.status == 200 { return }
        guard exists.status == 404 else { throw failure(exists, "check") }

        let concreteIndex = "\(index)-\(ElasticsearchStore.timestamp(Date()))"
        // Dynamic mapping is off: the store never searches on job fields, and mapping them
        // could reject a job whose field changed type (a trigger setting as a string, then a number).
        let body: [String: Any] = ["mappings": ["dynamic": false], "aliases": [index: [String: Any]()]]
        let response = try client.send("PUT", "/" + percentEncoded(concreteIndex), body: JSONText.data(body))
        guard response.status == 200 else {
            // Another daemon created the alias meanwhile.
            if let recheck = try? client.send("HEAD", indexPath), recheck.status == 200 { return }
            throw failure(response, "create")
        }
        host.log(ECSS_LOG_INFO, "created Elasticsearch index \(concreteIndex) with alias \(index)")
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
    private func failure(_ response: ElasticsearchResponse, _ action: String) -> StoreFailure {
        let status = response.status == 429 || response.status >= 500 ? ECSS_RETRY : ECSS_ERROR
        var message = "Elasticsearch store could not \(action) index \(index): HTTP \(response.status) \(response.errorSummary)"
        if response.status == 401 || response.status == 403 {
            message += "; check client.basic_auth or client.api_key in the configuration file"
        }
        return StoreFailure(status, message)
    }
}
