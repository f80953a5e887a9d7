import Foundation

/// A request to an AWS service, before signing.
public struct AWSRequest: Sendable {
    /// The signing name and endpoint key: "ecs", "sqs", "s3", "dynamodb", "sts".
    public var service: String
    /// The operation, for logs and errors ("RunTask").
    public var operation: String
    public var method: String
    /// The URL path, percent-encoded. For S3 it is path-style (`/bucket/key`); the client
    /// moves the bucket into the host name when it sends to AWS itself.
    public var path: String
    /// The query string, percent-encoded, without `?`.
    public var query: String?
    public var headers: [String: String]
    public var body: Data
    /// The region to sign for and send to; nil for the client's region.
    public var region: String?

    public init(service: String, operation: String, method: String = "POST", path: String = "/",
                query: String? = nil, headers: [String: String] = [:], body: Data = Data(),
                region: String? = nil) {
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

/// A 2xx response from an AWS service, or the response inside an `AWSError`.
public struct AWSResponse: Sendable {
    public var status: Int
    /// Headers by lowercased name.
    public var headers: [String: String]
    public var body: Data
    /// The request id from `x-amzn-requestid` or `x-amz-request-id`, or from the error body.
    public var requestID: String?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), requestID: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }
}
