/// A request that got no HTTP response, or could not be sent.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: Sendable, Equatable {
        /// The request is malformed (bad URL, unsupported scheme, bad method or header).
        case invalidRequest
        /// Connecting failed, or the connection dropped before the whole response arrived.
        case connectionFailed
        /// The connect timeout or the request timeout passed.
        case timedOut
        /// The TLS handshake or the certificate check failed.
        case tlsFailed
        /// Any other libcurl failure.
        case failed
    }

    public var code: Code
    /// A description of the failure, with libcurl's detail.
    public var message: String
    /// The libcurl result code (`CURLcode`), 0 when curl was not involved.
    public var curlCode: Int

    public init(_ code: Code, _ message: String, curlCode: Int = 0) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    /// True for failures that a later attempt may not meet: connection failures and timeouts.
    public var isRetryable: Bool {
        code == .connectionFailed || code == .timedOut
    }

    public var description: String { message }
}
