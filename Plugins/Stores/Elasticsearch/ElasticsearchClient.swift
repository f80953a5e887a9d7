import Foundation
import PluginABI
import StorePluginSupport
import Synchronization

/// An HTTP response from an Elasticsearch node.
struct ElasticsearchResponse {
    var status: Int
    var body: Data

    var object: [String: Any]? { JSONText.object(body) }

    /// "type: reason" of an Elasticsearch error body, or the body text when it has none.
    var errorSummary: String {
        if let error = object?["error"] as? [String: Any] {
            return "\(error["type"] as? String ?? "error"): \(error["reason"] as? String ?? "")"
        }
        if let error = object?["error"] as? String { return error }
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
    private let host: StoreHost
    private let nextNode = Atomic<Int>(0)

    init(settings: ElasticsearchSettings, host: StoreHost) {
        self.settings = settings
        self.host = host
    }

    /// Sends one request. `path` starts with "/" and is percent-encoded; `query` has no "?".
    /// Throws when no node returned an HTTP response within the attempts allowed.
    func send(_ method: String, _ path: String, query: String? = nil, body: Data? = nil) throws(StoreFailure) -> ElasticsearchResponse {
        let first = nextNode.wrappingAdd(1, ordering: .relaxed).oldValue
        var lastFailure = ""
        for attempt in 0...settings.maxRetries {
            let node = settings.nodes[(first + attempt) % settings.nodes.count]
            let started = Date()
            let response = host.send(request(method, node + path + (query.map { "?\($0)" } ?? ""), body))
            let moreAttempts = attempt < settings.maxRetries

            if response.status == ECSS_OK {
                guard settings.retryOnStatus.contains(response.httpStatus), moreAttempts else {
                    return ElasticsearchResponse(status: response.httpStatus, body: response.body)
                }
                lastFailure = "\(node) returned HTTP \(response.httpStatus)"
            } else if response.status == ECSS_RETRY {
                lastFailure = "\(node) failed: \(response.message ?? "no response")"
                // host_http_request returns ECSS_RETRY for a refused connection and for a
                // timeout alike; a request that used up its timeout is taken as a timeout.
                let elapsed = Date().timeIntervalSince(started) * 1000
                if elapsed >= Double(settings.timeoutMilliseconds) * 0.95 && !settings.retryOnTimeout {
                    throw StoreFailure(ECSS_RETRY, "Elasticsearch \(method) \(path) timed out on \(lastFailure); "
                                       + "set client.retry_on_timeout to try other nodes")
                }
            } else {
                throw .error("Elasticsearch \(method) \(path) could not be sent: \(response.message ?? "invalid request")")
            }
            if moreAttempts {
                host.log(ECSS_LOG_WARNING, "Elasticsearch \(method) \(path) on \(lastFailure); trying the next node")
            }
        }
        throw StoreFailure(ECSS_RETRY, "Elasticsearch \(method) \(path) failed on every attempt "
                           + "(\(settings.maxRetries + 1)); last: \(lastFailure)")
    }

    private func request(_ method: String, _ url: String, _ body: Data?) -> HTTPRequest {
        var headers = ["Accept: application/json"]
        if body != nil { headers.append("Content-Type: application/json") }
        if let authorization = settings.authorization { headers.append(authorization) }
        headers += settings.extraHeaders
        return HTTPRequest(method: method, url: url, headers: headers, body: body ?? Data(),
                           timeoutMilliseconds: settings.timeoutMilliseconds, verifyTLS: settings.verifyTLS,
                           caFile: settings.caFile)
    }
}
