import Foundation

/// The network calls that plugins make through the host API (`host_aws_request` and
/// `host_http_request`).
///
/// The daemon implements it with its AWS client; tests pass fakes. Keeping it a protocol
/// keeps the plugin host free of HTTP and signing code.
///
/// # Implementation requirements
/// Both methods are called from any thread, several at once, and block until the final
/// response (after any retries).
public protocol HostNetworkServices: Sendable {
    /// Signs `request` with the host's AWS credentials, sends it to the service's endpoint
    /// and retries it as the AWS SDKs do.
    /// - Returns: the response to a request that ended with a 2xx status.
    /// - Throws: `HostAWSError` for any other status, or when no response arrived.
    func sendAWS(_ request: HostAWSRequest) throws(HostAWSError) -> HostResponse

    /// Sends a plain HTTP request once, without retries.
    /// - Returns: the response, whatever its status.
    /// - Throws: `HostHTTPError` when the request is malformed or no response arrived.
    func sendHTTP(_ request: HostHTTPRequest) throws(HostHTTPError) -> HostResponse
}

/// A request to an AWS service, as a plugin described it in `ecss_aws_request`.
public struct HostAWSRequest: Sendable, Equatable {
    /// Endpoint and signing name: "sqs", "s3", "dynamodb".
    public var service: String
    /// Operation name for retries, logs and errors: "GetQueueAttributes".
    public var operation: String
    public var method: String
    /// Percent-encoded URL path.
    public var path: String
    /// Percent-encoded query string without the leading `?`; nil for none.
    public var query: String?
    public var headers: [String: String]
    public var body: Data
    /// Region to sign for and send to; nil for the host's configured region.
    public var region: String?

    public init(service: String, operation: String, method: String, path: String, query: String? = nil,
                headers: [String: String] = [:], body: Data = Data(), region: String? = nil) {
        self.service = service
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.region = region
    }
}

/// A plain HTTP request, as a plugin described it in `ecss_http_request`.
public struct HostHTTPRequest: Sendable, Equatable {
    public var method: String
    /// Absolute http:// or https:// URL.
    public var url: String
    public var headers: [String: String]
    public var body: Data
    /// Whole-request timeout.
    public var timeout: Duration
    /// Whether the server's TLS certificate is verified.
    public var verifyTLS: Bool
    /// PEM file of trusted CA certificates; nil for the system's.
    public var caFile: String?

    public init(method: String, url: String, headers: [String: String] = [:], body: Data = Data(),
                timeout: Duration = .seconds(30), verifyTLS: Bool = true, caFile: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.verifyTLS = verifyTLS
        self.caFile = caFile
    }
}

/// An HTTP response passed back to a plugin.
public struct HostResponse: Sendable, Equatable {
    public var status: Int
    /// Header values by lowercase name.
    public var headers: [String: String]
    public var body: Data
    /// The AWS request id, when the service sent one.
    public var requestID: String?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), requestID: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }
}

/// A failed AWS request: an error status from the service, or no response at all.
public struct HostAWSError: Error, Sendable, CustomStringConvertible {
    public var service: String
    public var operation: String
    /// HTTP status; 0 when no response arrived.
    public var status: Int
    /// AWS error code ("QueueDoesNotExist", "ConditionalCheckFailedException"), when known.
    public var code: String?
    public var message: String
    public var requestID: String?
    /// The response, when one arrived.
    public var response: HostResponse?
    /// Whether the failure was passing (throttling, 5xx, connection failure) and outlasted
    /// the retries.
    public var isRetryable: Bool
    /// Whether the request could not be built or sent as given (a bad header, method or path).
    public var isInvalidRequest: Bool

    public init(service: String, operation: String, status: Int, code: String?, message: String,
                requestID: String? = nil, response: HostResponse? = nil, isRetryable: Bool,
                isInvalidRequest: Bool = false) {
        self.service = service
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.response = response
        self.isRetryable = isRetryable
        self.isInvalidRequest = isInvalidRequest
    }

    /// One line naming the service, operation, status, error code and request id.
    public var description: String {
        var text = "\(service) \(operation) failed"
        if status != 0 { text += " with HTTP \(status)" }
        if let code { text += " \(code)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }
}

/// A plain HTTP request that could not be sent or got no response.
public struct HostHTTPError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The request itself is malformed (bad URL or method).
        case invalidRequest
        /// No response arrived: connection failure, TLS failure or timeout.
        case noResponse
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
