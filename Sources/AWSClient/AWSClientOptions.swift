/// Settings of `AWSClient` that have no environment variable.
public struct AWSClientOptions: Sendable {
    /// Limit for connecting to a service, TLS handshake included.
    public var connectTimeout: Duration = .seconds(10)
    /// Limit for one attempt, from connecting to the last byte of the response.
    public var requestTimeout: Duration = .seconds(60)
    /// Scale of the retry backoff: the n-th retry waits a random time up to
    /// `retryBaseDelay * 2^(n-1)`, capped at `maxRetryDelay`. The SDKs use 1 s and 20 s.
    public var retryBaseDelay: Duration = .seconds(1)
    public var maxRetryDelay: Duration = .seconds(20)
    /// PEM file of CA certificates to trust for https endpoints; nil for `AWS_CA_BUNDLE`,
    /// then the profile's `ca_bundle`, then the system's certificates.
    public var caFile: String?
    /// Credentials to use in place of the default chain.
    public var credentialProvider: (any AWSCredentialProvider)?

    public init() {}
}
