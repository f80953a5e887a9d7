import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// AWS STS operations (Query protocol).
public struct STS: Sendable {
    let client: AWSClient

    static let version = "2011-06-15"

    /// The account and identity that the client's credentials belong to.
    public struct CallerIdentity: Sendable, Equatable {
        public var account: String
        public var arn: String
        public var userID: String
    }

    /// Returns who the client's credentials belong to; a cheap check that they work.
    public func getCallerIdentity() throws(AWSError) -> CallerIdentity {
        let result = try client.queryCall(service: "sts", operation: "GetCallerIdentity", version: Self.version)
        return CallerIdentity(account: result.text(of: "Account") ?? "", arn: result.text(of: "Arn") ?? "",
                              userID: result.text(of: "UserId") ?? "")
    }

    /// Assumes a role with a web identity (OIDC) token. The request is not signed.
    /// - Parameter durationSeconds: the session length; nil for the role's default (1 hour).
    public func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, webIdentityToken: String,
                                          durationSeconds: Int? = nil) throws(AWSError) -> AWSCredentials {
        try Self.assumeRoleWithWebIdentity(transport: client.transport, region: client.region, roleARN: roleARN,
                                           sessionName: sessionName, webIdentityToken: webIdentityToken,
                                           durationSeconds: durationSeconds)
    }

    static func assumeRoleWithWebIdentity(transport: AWSTransport, region: String, roleARN: String, sessionName: String,
                                          webIdentityToken: String, durationSeconds: Int? = nil) throws(AWSError) -> AWSCredentials {
        let operation = "AssumeRoleWithWebIdentity"
        var parameters = ["RoleArn": roleARN, "RoleSessionName": sessionName, "WebIdentityToken": webIdentityToken]
        if let durationSeconds { parameters["DurationSeconds"] = String(durationSeconds) }
        let request = QueryProtocol.request(service: "sts", operation: operation, version: version, parameters: parameters)
        let response = try transport.send(request, region: region, credentials: nil)
        let result = try QueryProtocol.result(of: response, service: "sts", operation: operation)
        guard let credentials = result.child("Credentials"),
              let accessKeyID = credentials.text(of: "AccessKeyId"),
              let secret = credentials.text(of: "SecretAccessKey") else {
            throw AWSError(kind: .invalidResponse, service: "sts", operation: operation, status: response.status,
                           message: "the response has no Credentials", requestID: response.requestID, response: response)
        }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret,
                              sessionToken: credentials.text(of: "SessionToken"),
                              expiration: credentials.text(of: "Expiration").flatMap(ISO8601.parse),
                              source: "web identity \(roleARN)")
    }
}

extension AWSClient {
    public var sts: STS { STS(client: self) }
}
