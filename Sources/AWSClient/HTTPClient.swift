/// A plain HTTP(S) client on libcurl, for credential endpoints and for plugins' own
/// requests. Each request is sent once, without retries.
///
/// # Thread safety
/// Any thread may send at any time; requests share a pool of curl handles, so connections
/// to the same host are kept alive between requests.
public struct HTTPClient: Sendable {
    private let pool: CurlHandlePool

    /// Creates a client on the process-wide handle pool.
    public init() {
        pool = CurlHandlePool.shared
    }

    /// Sends a request and waits for the whole response.
    ///
    /// - Returns: the response, whatever its status.
    /// - Throws: `HTTPClientError` when no response arrived (connection failure, timeout,
    ///   TLS failure) or the request is malformed.
    public func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        try pool.perform(request)
    }
}
