/// A failed AWS call: the service's error response, or the reason no response arrived.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, on which `isRetryable` and callers' handling depend.
    public enum Kind: Sendable, Equatable {
        /// The service responded with a status outside 2xx.
        case service
        /// No response arrived: connecting failed, the connection dropped, or a timeout passed.
        case connection
        /// No credentials could be found or fetched.
        case credentials
        /// The client's settings (region, profile, endpoint, retry settings) are invalid.
        case configuration
        /// The request could not be built or sent as given.
        case invalidRequest
        /// A 2xx response whose body is not what the operation returns.
        case invalidResponse
        /// A wait for a resource to reach a state (a table becoming ACTIVE) passed its limit.
        case timedOut
    }

    public var kind: Kind
    /// The service's signing name ("ecs", "s3").
    public var service: String
    /// The operation, such as "RunTask".
    public var operation: String
    /// The HTTP status; 0 when no response arrived.
    public var status: Int
    /// The AWS error code ("ThrottlingException", "NoSuchKey"), when the service sent one.
    public var code: String?
    public var message: String
    public var requestID: String?
    /// The response, when one arrived.
    public var response: AWSResponse?
    /// The HTTP-level failure behind a `.connection` error.
    public var transportError: HTTPClientError?

    public init(kind: Kind, service: String, operation: String, status: Int = 0, code: String? = nil,
                message: String, requestID: String? = nil, response: AWSResponse? = nil,
                transportError: HTTPClientError? = nil) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.response = response
        self.transportError = transportError
    }

    /// Error codes that mean the caller sent too many requests, as the AWS SDKs list them.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Error codes of failures that a later attempt may not meet, as the AWS SDKs list them.
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "ServiceUnavailable",
    ]

    public var isThrottling: Bool {
        kind == .service && (status == 429 || code.map(Self.throttlingCodes.contains) == true)
    }

    /// True for throttling, 5xx responses other than 501, transient error codes, and
    /// connection failures; never for other 4xx responses, which a retry cannot fix.
    public var isRetryable: Bool {
        switch kind {
        case .service:
            if isThrottling { return true }
            if let code, Self.transientCodes.contains(code) { return true }
            return status >= 500 && status != 501
        case .connection:
            return transportError?.isRetryable ?? true
        case .credentials, .configuration, .invalidRequest, .invalidResponse, .timedOut:
            return false
        }
    }

    /// The service's name as AWS writes it ("DynamoDB"), for messages.
    var serviceTitle: String {
        switch service {
        case "ecs": return "ECS"
        case "sqs": return "SQS"
        case "s3": return "S3"
        case "dynamodb": return "DynamoDB"
        case "sts": return "STS"
        case "iam": return "IAM"
        default: return service
        }
    }

    public var description: String {
        if kind == .configuration {
            return "invalid AWS settings: \(message)"
        }
        var text = "\(serviceTitle) \(operation) failed: "
        if kind == .service {
            text += "HTTP \(status)"
            if let code { text += " \(code)" }
            if !message.isEmpty { text += ": \(message)" }
        } else {
            text += message
        }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }
}
