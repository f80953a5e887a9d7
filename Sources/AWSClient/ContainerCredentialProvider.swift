import Foundation

/// Credentials from the ECS container credentials endpoint (also used by EKS Pod Identity).
///
/// The endpoint is `http://169.254.170.2` plus `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`. The `Authorization` header comes from the file
/// that `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` names, read at each fetch because the file
/// is rotated, or else from `AWS_CONTAINER_AUTHORIZATION_TOKEN`. Credentials are cached
/// and fetched again before they expire.
public final class ContainerCredentialProvider: AWSCredentialProvider {
    public let name = "container"
    private let endpoint: ContainerCredentialEndpoint
    private let cache: RefreshingCredentials

    /// The endpoint URL the credentials come from.
    public var url: String { endpoint.url }

    /// True when the environment names a container credentials endpoint.
    public static func isConfigured(environment: [String: String]) -> Bool {
        !(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] ?? "").isEmpty
            || !(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] ?? "").isEmpty
    }

    /// Reads the endpoint and token settings from `environment`.
    /// - Parameter now: the clock that decides when cached credentials are refreshed.
    /// - Throws: `AWSError` of kind `.configuration` when neither URI variable is set, or
    ///   the full URI is not https and names a host other than loopback or the agents'.
    public init(environment: [String: String], now: @escaping @Sendable () -> Date = { Date() }) throws(AWSError) {
        let endpoint = try ContainerCredentialEndpoint(environment: environment)
        self.endpoint = endpoint
        cache = RefreshingCredentials(name: name, now: now) { () throws(AWSError) in try endpoint.fetch() }
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        try cache.credentials()
    }
}

/// The container credentials endpoint and how to call it.
struct ContainerCredentialEndpoint: Sendable {
    let url: String
    private let token: String?
    private let tokenFile: String?
    private let http = HTTPClient()

    /// Hosts that a full URI may name over plain http: loopback, and the link-local
    /// addresses of the ECS and EKS credential agents.
    static let plainHTTPHosts: Set<String> = ["localhost", "127.0.0.1", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    init(environment: [String: String]) throws(AWSError) {
        url = try Self.endpointURL(environment: environment)
        token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func endpointURL(environment: [String: String]) throws(AWSError) -> String {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            return "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else {
            throw configurationError("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
        }
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else {
            throw configurationError("AWS_CONTAINER_CREDENTIALS_FULL_URI=\(full) is not a URL; set an http:// or https:// URL")
        }
        let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let isLocal = bareHost.hasPrefix("127.") || plainHTTPHosts.contains(bareHost)
        guard scheme == "https" || (scheme == "http" && isLocal) else {
            throw configurationError("AWS_CONTAINER_CREDENTIALS_FULL_URI=\(full) must use https, or http to a loopback address or the ECS or EKS credentials agent")
        }
        return full
    }

    private static func configurationError(_ message: String) -> AWSError {
        AWSError(kind: .configuration, service: "container-credentials", operation: "configure", message: message)
    }

    /// Fetches credentials, trying up to three times while the endpoint does not respond or
    /// returns a 5xx status.
    func fetch() throws(AWSError) -> AWSCredentials {
        var request = HTTPRequest(method: "GET", url: url, timeout: .seconds(5), connectTimeout: .seconds(2))
        if let authorization = try authorization() {
            request.setHeader("Authorization", authorization)
        }
        var attempt = 1
        while true {
            let response: HTTPResponse
            do throws(HTTPClientError) {
                response = try http.send(request)
            } catch {
                guard error.isRetryable, attempt < 3 else {
                    throw credentialsError("the container credentials endpoint \(url) did not respond: \(error.message)")
                }
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
                continue
            }
            if response.status >= 500 && attempt < 3 {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
                continue
            }
            return try parse(response)
        }
    }

    /// Reads the Authorization header value, from the token file when one is set.
    private func authorization() throws(AWSError) -> String? {
        guard let tokenFile else { return token }
        do {
            return try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw credentialsError("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile): \(error.localizedDescription)")
        }
    }

    private func parse(_ response: HTTPResponse) throws(AWSError) -> AWSCredentials {
        guard response.status == 200 else {
            let detail = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw credentialsError("the container credentials endpoint \(url) returned HTTP \(response.status): \(detail)",
                                   status: response.status)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
              let credentials = CredentialsDocument.read(object, source: "container") else {
            throw credentialsError("the container credentials endpoint \(url) returned a body without AccessKeyId and SecretAccessKey",
                                   status: response.status)
        }
        return credentials
    }

    private func credentialsError(_ message: String, status: Int = 0) -> AWSError {
        AWSError(kind: .credentials, service: "container-credentials", operation: "GetCredentials", status: status, message: message)
    }
}

/// The JSON credentials document of the container and instance metadata endpoints.
enum CredentialsDocument {
    /// Reads `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration`; nil without keys.
    static func read(_ object: [String: Any], source: String) -> AWSCredentials? {
        guard let accessKeyID = object["AccessKeyId"] as? String, !accessKeyID.isEmpty,
              let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else { return nil }
        let expiration = (object["Expiration"] as? String).flatMap(ISO8601.parse)
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret,
                              sessionToken: object["Token"] as? String, expiration: expiration, source: source)
    }
}
