import Foundation

/// An AWS access key pair, with the session token and expiry of temporary credentials.
///
/// `description` shows the access key id and the source only, so the value can be logged.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// The credentials' source ("environment", "profile default", "container"), for logs.
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String = "static") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), source: \(source))"
    }
}

/// A source of AWS credentials: fixed keys, the shared files, or an endpoint that hands out
/// temporary credentials.
///
/// # Implementation requirements
/// Called from many threads at once; each call returns credentials valid for at least the
/// next request, or throws `AWSError` with kind `.credentials`.
public protocol AWSCredentialProvider: Sendable {
    /// A short name for logs and errors ("environment", "container", "instance metadata").
    var name: String { get }

    func credentials() throws(AWSError) -> AWSCredentials
}

/// A provider that returns the same keys every time.
public struct StaticCredentialProvider: AWSCredentialProvider {
    public let name: String
    private let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        value = credentials
        name = credentials.source
    }

    public func credentials() throws(AWSError) -> AWSCredentials { value }
}
