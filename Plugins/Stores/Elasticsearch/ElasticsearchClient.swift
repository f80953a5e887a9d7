import Foundation
import PluginKit
import Synchronization

/// An HTTP response from an Elasticsearch node.
struct ElasticsearchResponse {
    var status: Int
    var body: Data

    var object: JSON? { try? JSON.parse(body) }

    /// "type: reason" of an Elasticsearch error body, or the start of the body when it has none.
    var errorSummary: String {
        if let error = object?["error"], error.objectValue != nil {
            return "\(error["type"]?.stringValue ?? "error"): \(error["reason"]?.stringValue ?? "")"
        }
        if let error = object?["error"]?.stringValue { return error }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}

/// Sends requests to the configured nodes through the host's plain HTTP callback, moving to
/// the next node when one cannot be reached.
///
/// Requests start on the nodes in turn (round robin). After a connection failure or a status
/// in `retry_on_status`, the request is sent again to the next node, at most `max_retries`
/// more times. A timeout is retried only with `retry_on_timeout`, as in the Python client.
final class ElasticsearchClient: Sendable {
    let settings: ElasticsearchSettings
    private let host: HostAPI
    private let nextNode = Atomic<Int>(0)

    init(settings: ElasticsearchSettings, host: HostAPI) {
        self.settings = settings
        self.host = host
    }

    /// Sends one request. `path` starts with "/" and is percent-encoded; `query` has no "?".
    /// Throws when no node returned an HTTP response within the attempts allowed.
    func send(_ method: String, _ path: String, query: String? = nil, body: Data? = nil) throws(PluginError) -> ElasticsearchResponse {
        let first = nextNode.wrappingAdd(1, ordering: .relaxed).oldValue
        var lastFailure = ""
        for attempt in 0...settings.maxRetries {
            let node = settings.nodes[(first + attempt) % settings.nodes.count]
            let started = Date()
            let moreAttempts = attempt < settings.maxRetries
            do throws(PluginError) {
                let response = try host.sendHTTP(call(method, node + path + (query.map { "?\($0)" } ?? ""), body))
                guard settings.retryOnStatus.contains(response.status), moreAttempts else {
                    return ElasticsearchResponse(status: response.status, body: response.body)
                }
                lastFailure = "\(node) returned HTTP \(response.status)"
            } catch where error.status == .retry {
                lastFailure = "\(node) failed: \(error.message)"
                // host_http_request returns ECSS_RETRY for a refused connection and for a
                // timeout alike; a request that used up its timeout is taken as a timeout.
                let elapsed = Date().timeIntervalSince(started) * 1000
                if elapsed >= Double(settings.timeoutMilliseconds) * 0.95 && !settings.retryOnTimeout {
                    throw .retry("Elasticsearch \(method) \(path) timed out on \(lastFailure); "
                                 + "set client.retry_on_timeout to try other nodes")
                }
            } catch {
                throw .error("Elasticsearch \(method) \(path) could not be sent: \(error.message)")
            }
            if moreAttempts {
                host.log(.warning, "Elasticsearch \(method) \(path) on \(lastFailure); trying the next node")
            }
        }
        throw .retry("Elasticsearch \(method) \(path) failed on every attempt (\(settings.maxRetries + 1)); last: \(lastFailure)")
    }

    private func call(_ method: String, _ url: String, _ body: Data?) -> HTTPCall {
        var headers = settings.extraHeaders
        headers["Accept"] = "application/json"
        if body != nil { headers["Content-Type"] = "application/json" }
        if let authorization = settings.authorization { headers["Authorization"] = authorization }
        return HTTPCall(method: method, url: url, headers: headers, body: body ?? Data(),
                        timeoutMilliseconds: settings.timeoutMilliseconds, verifyTLS: settings.verifyTLS,
                        caFile: settings.caFile)
    }
}
