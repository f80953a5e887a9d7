import Foundation

/// Credentials for an IAM role assumed with a web identity token (EKS service accounts,
/// GitHub Actions OIDC), through STS AssumeRoleWithWebIdentity.
///
/// The token file is read at each fetch, because its owner rotates it. The STS call is not
/// signed, so it needs no other credentials. Credentials are cached and fetched again
/// before they expire.
final class WebIdentityCredentialProvider: AWSCredentialProvider {
    let name = "web identity"
    private let cache: RefreshingCredentials

    /// - Parameters:
    ///   - roleARN: the role to assume.
    ///   - tokenFile: the file holding the OIDC token.
    ///   - sessionName: the role session name; nil for one made from the current time.
    ///   - transport: sends the STS request (to `AWS_ENDPOINT_URL_STS` or STS in `region`).
    init(roleARN: String, tokenFile: String, sessionName: String?, transport: AWSTransport, region: String,
         now: @escaping @Sendable () -> Date = { Date() }) {
        let session = sessionName ?? "ecs-scheduler-\(Int(Date().timeIntervalSince1970))"
        cache = RefreshingCredentials(name: name, now: now) { () throws(AWSError) in
            let token: String
            do {
                token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw AWSError(kind: .credentials, service: "sts", operation: "AssumeRoleWithWebIdentity",
                               message: "cannot read the web identity token file \(tokenFile): \(error.localizedDescription)")
            }
            do throws(AWSError) {
                return try STS.assumeRoleWithWebIdentity(transport: transport, region: region, roleARN: roleARN,
                                                         sessionName: session, webIdentityToken: token)
            } catch {
                var failure = error
                failure.kind = .credentials
                throw failure
            }
        }
    }

    func credentials() throws(AWSError) -> AWSCredentials {
        try cache.credentials()
    }
}
