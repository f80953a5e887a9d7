import Foundation

/// A small AWS client: SigV4 signing, the SDKs' credential chain, region and endpoint
/// settings, standard-mode retries, and the operations the scheduler and its stores use.
///
/// Settings come from the environment as the AWS SDKs read them: credentials (see
/// `CredentialChain`), `AWS_PROFILE`, `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile's
/// `region`, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_MAX_ATTEMPTS`,
/// `AWS_CA_BUNDLE`.
///
/// # Thread safety
/// Any thread may call any method at any time. Calls block the calling thread until the
/// final response, retries included.
public final class AWSClient: Sendable {
    /// The region requests go to unless they name another.
    public let region: String
    /// The profile whose settings were read (`AWS_PROFILE`, else `default`).
    public let profileName: String
    public let credentialProvider: any AWSCredentialProvider
    let transport: AWSTransport

    /// Reads the settings and picks a credential provider; nothing is sent yet.
    ///
    /// - Throws: `AWSError` of kind `.configuration` when no region is set, `AWS_PROFILE`
    ///   names a profile in neither shared file, or a setting is invalid.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                options: AWSClientOptions = AWSClientOptions()) throws(AWSError) {
        let files = ProfileFiles.load(environment: environment)
        let explicitProfile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profileName = explicitProfile ?? "default"
        if explicitProfile != nil && files.profiles[profileName] == nil {
            throw Self.configurationError("AWS_PROFILE is \"\(profileName)\", but neither \(files.credentialsPath) nor \(files.configPath) has that profile; add it or set another AWS_PROFILE")
        }
        let profile = files.profiles[profileName] ?? [:]

        let region = try Self.region(environment: environment, profile: profile, profileName: profileName)
        var options = options
        options.caFile = options.caFile ?? environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 } ?? profile["ca_bundle"]
        let retry = RetryStrategy(maxAttempts: try RetryStrategy.maxAttempts(environment: environment, profile: profile),
                                  baseDelay: options.retryBaseDelay, maxDelay: options.maxRetryDelay)
        let transport = AWSTransport(endpoints: try EndpointResolver(environment: environment), retry: retry, options: options)

        self.region = region
        self.profileName = profileName
        self.transport = transport
        if let provider = options.credentialProvider {
            credentialProvider = provider
        } else {
            credentialProvider = try CredentialChain.provider(environment: environment, profileName: profileName,
                                                              profile: profile, transport: transport, region: region)
        }
    }

    /// The attempt limit of each request (`AWS_MAX_ATTEMPTS`, default 3).
    public var maxAttempts: Int { transport.retry.maxAttempts }

    /// Signs, sends and retries a request.
    ///
    /// - Returns: the 2xx response.
    /// - Throws: `AWSError` for a non-2xx status (with the response), when no response
    ///   arrived after the last attempt, or when credentials are missing.
    public func send(_ request: AWSRequest) throws(AWSError) -> AWSResponse {
        try transport.send(request, region: request.region ?? region, credentials: credentialProvider)
    }

    /// Calls an operation of a service that speaks the AWS JSON protocol.
    ///
    /// - Parameters:
    ///   - targetPrefix: the first part of `X-Amz-Target` ("DynamoDB_20120810").
    ///   - version: the protocol version, "1.0" or "1.1", which sets the content type.
    ///   - body: the operation's input as the API defines it.
    /// - Returns: the operation's output; empty when the response has no body.
    public func jsonCall(service: String, targetPrefix: String, operation: String, version: String,
                         body: [String: Any], region: String? = nil) throws(AWSError) -> [String: Any] {
        guard version == "1.0" || version == "1.1" else {
            throw AWSError(kind: .invalidRequest, service: service, operation: operation,
                           message: "AWS JSON protocol version \"\(version)\" is not 1.0 or 1.1")
        }
        guard JSONSerialization.isValidJSONObject(body),
              let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
            throw AWSError(kind: .invalidRequest, service: service, operation: operation,
                           message: "the request body cannot be written as JSON; use strings, numbers, booleans, arrays and dictionaries")
        }
        let request = AWSRequest(service: service, operation: operation, method: "POST", path: "/",
                                 headers: ["X-Amz-Target": "\(targetPrefix).\(operation)",
                                           "Content-Type": "application/x-amz-json-\(version)"],
                                 body: data, region: region)
        let response = try send(request)
        if response.body.isEmpty { return [:] }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw AWSError(kind: .invalidResponse, service: service, operation: operation, status: response.status,
                           message: "the response body is not a JSON object", requestID: response.requestID,
                           response: response)
        }
        return object
    }

    private static func region(environment: [String: String], profile: [String: String], profileName: String) throws(AWSError) -> String {
        let candidates: [(String, String?)] = [
            ("AWS_REGION", environment["AWS_REGION"]),
            ("AWS_DEFAULT_REGION", environment["AWS_DEFAULT_REGION"]),
            ("region in profile \(profileName)", profile["region"]),
        ]
        guard let (source, value) = candidates.first(where: { !($0.1 ?? "").isEmpty }), let region = value else {
            throw configurationError("no AWS region set; set AWS_REGION (for example us-east-1) or region in the profile")
        }
        let isValid = region.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard isValid else {
            throw configurationError("\(source) is \"\(region)\", which is not a region name; use one such as us-east-1")
        }
        return region
    }

    private static func configurationError(_ message: String) -> AWSError {
        AWSError(kind: .configuration, service: "aws", operation: "configure", message: message)
    }
}
