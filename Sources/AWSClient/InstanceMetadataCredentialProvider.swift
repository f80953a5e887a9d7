import Foundation
import Synchronization

/// Credentials of the IAM role attached to an EC2 instance, from the instance metadata
/// service (IMDS) with IMDSv2 session tokens.
///
/// The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254`
/// (`http://[fd00:ec2::254]` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`). Each call
/// waits `AWS_METADATA_SERVICE_TIMEOUT` seconds (default 1) and is tried
/// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` times (default 1), as the AWS SDKs do. When the
/// service rejects the token request with 403, 404 or 405, the provider falls back to
/// IMDSv1 unless `AWS_EC2_METADATA_V1_DISABLED=true`.
public final class InstanceMetadataCredentialProvider: AWSCredentialProvider {
    public let name = "instance metadata"
    private let client: InstanceMetadataClient
    private let cache: RefreshingCredentials

    /// The metadata service's base URL.
    public var endpoint: String { client.endpoint }

    /// True unless `AWS_EC2_METADATA_DISABLED=true`.
    public static func isEnabled(environment: [String: String]) -> Bool {
        environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true"
    }

    /// Reads the endpoint, timeout and attempt settings from `environment`.
    /// - Parameter now: the clock for credential and token expiry.
    /// - Throws: `AWSError` of kind `.configuration` for an invalid endpoint, timeout or
    ///   attempt count.
    public init(environment: [String: String], now: @escaping @Sendable () -> Date = { Date() }) throws(AWSError) {
        let client = try InstanceMetadataClient(environment: environment, now: now)
        self.client = client
        cache = RefreshingCredentials(name: name, now: now) { () throws(AWSError) in try client.fetchCredentials() }
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        try cache.credentials()
    }
}

/// Calls to the instance metadata service, with the IMDSv2 token kept until it expires.
final class InstanceMetadataClient: Sendable {
    let endpoint: String
    private let timeout: Duration
    private let attempts: Int
    private let allowsV1: Bool
    private let now: @Sendable () -> Date
    private let http = HTTPClient()
    /// The session token and when to fetch a new one.
    private let token = Mutex<(value: String, renewAt: Date)?>(nil)

    /// Lifetime requested for session tokens: 6 hours, the maximum.
    static let tokenLifetime = 21_600

    init(environment: [String: String], now: @escaping @Sendable () -> Date) throws(AWSError) {
        let ipv6 = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
        var endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
        guard let components = URLComponents(string: endpoint), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
              components.host?.isEmpty == false else {
            throw Self.configurationError("AWS_EC2_METADATA_SERVICE_ENDPOINT=\(endpoint) is not an http:// or https:// URL")
        }
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint

        let timeoutText = environment["AWS_METADATA_SERVICE_TIMEOUT"] ?? "1"
        guard let seconds = Double(timeoutText), seconds > 0 else {
            throw Self.configurationError("AWS_METADATA_SERVICE_TIMEOUT is \"\(timeoutText)\"; set a number of seconds above 0")
        }
        timeout = .milliseconds(Int(seconds * 1000))
        let attemptsText = environment["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] ?? "1"
        guard let attempts = Int(attemptsText), attempts >= 1 else {
            throw Self.configurationError("AWS_METADATA_SERVICE_NUM_ATTEMPTS is \"\(attemptsText)\"; set a whole number of at least 1")
        }
        self.attempts = attempts
        allowsV1 = environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() != "true"
        self.now = now
    }

    /// Fetches the attached role's name, then its credentials.
    func fetchCredentials() throws(AWSError) -> AWSCredentials {
        let listing = try get("/latest/meta-data/iam/security-credentials/")
        guard let role = listing.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw Self.credentialsError("the instance metadata service at \(endpoint) lists no IAM role; attach an instance profile to the instance")
        }
        let document = try get("/latest/meta-data/iam/security-credentials/\(SigV4Signer.percentEncode(role, keepingSlashes: false))")
        guard let object = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any] else {
            throw Self.credentialsError("the instance metadata service at \(endpoint) returned credentials that are not JSON")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw Self.credentialsError("the instance metadata service at \(endpoint) returned code \(code) for role \(role)")
        }
        guard let credentials = CredentialsDocument.read(object, source: "instance metadata") else {
            throw Self.credentialsError("the instance metadata service at \(endpoint) returned credentials without AccessKeyId and SecretAccessKey")
        }
        return credentials
    }

    /// GETs a metadata path with the session token, fetching a new token once when the
    /// service rejects the current one (401).
    private func get(_ path: String) throws(AWSError) -> String {
        var response = try send(method: "GET", path: path, headers: try tokenHeader())
        if response.status == 401 {
            token.withLock { $0 = nil }
            response = try send(method: "GET", path: path, headers: try tokenHeader())
        }
        guard response.status == 200 else {
            let hint = response.status == 404 ? "; attach an instance profile to the instance" : ""
            throw Self.credentialsError("the instance metadata service returned HTTP \(response.status) for \(endpoint)\(path)\(hint)",
                                        status: response.status)
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// Builds the token header for the next request, empty when the service offers only IMDSv1.
    private func tokenHeader() throws(AWSError) -> [(name: String, value: String)] {
        let current = now()
        if let cached = token.withLock({ $0 }), cached.renewAt > current {
            return [("X-aws-ec2-metadata-token", cached.value)]
        }
        let response = try send(method: "PUT", path: "/latest/api/token",
                                headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenLifetime))])
        if response.status == 200 {
            let value = String(decoding: response.body, as: UTF8.self)
            // Renew a minute early so that a token never expires in flight.
            token.withLock { $0 = (value, current.addingTimeInterval(Double(Self.tokenLifetime - 60))) }
            return [("X-aws-ec2-metadata-token", value)]
        }
        if [403, 404, 405].contains(response.status) && allowsV1 {
            return []
        }
        throw Self.credentialsError("the instance metadata service at \(endpoint) returned HTTP \(response.status) for a session token",
                                    status: response.status)
    }

    private func send(method: String, path: String, headers: [(name: String, value: String)]) throws(AWSError) -> HTTPResponse {
        let request = HTTPRequest(method: method, url: endpoint + path, headers: headers, timeout: timeout, connectTimeout: timeout)
        var attempt = 1
        while true {
            do throws(HTTPClientError) {
                return try http.send(request)
            } catch {
                guard error.isRetryable, attempt < attempts else {
                    throw Self.credentialsError("the instance metadata service at \(endpoint) did not respond: \(error.message)")
                }
                attempt += 1
            }
        }
    }

    private static func configurationError(_ message: String) -> AWSError {
        AWSError(kind: .configuration, service: "instance-metadata", operation: "configure", message: message)
    }

    private static func credentialsError(_ message: String, status: Int = 0) -> AWSError {
        AWSError(kind: .credentials, service: "instance-metadata", operation: "GetCredentials", status: status, message: message)
    }
}
