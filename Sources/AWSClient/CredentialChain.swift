import Foundation

/// Picks the credential provider the way the AWS SDKs' default chain does, in this order:
///
/// 1. `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`);
/// 2. the profile's keys in the shared credentials or config file, or its `role_arn` with
///    `web_identity_token_file`;
/// 3. `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`;
/// 4. the container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
///    `_FULL_URI`);
/// 5. EC2 instance metadata, unless `AWS_EC2_METADATA_DISABLED=true`.
///
/// The choice is made once, from the settings; providers that fetch over the network do
/// so at the first request.
enum CredentialChain {
    static func provider(environment: [String: String], profileName: String, profile: [String: String],
                         transport: AWSTransport, region: String) throws(AWSError) -> any AWSCredentialProvider {
        if let credentials = environmentCredentials(environment) {
            return StaticCredentialProvider(credentials)
        }
        if let provider = try profileProvider(profileName: profileName, profile: profile, environment: environment,
                                              transport: transport, region: region) {
            return provider
        }
        if let tokenFile = nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"]) {
            guard let roleARN = nonEmpty(environment["AWS_ROLE_ARN"]) else {
                throw configurationError("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the ARN of the role to assume")
            }
            return WebIdentityCredentialProvider(roleARN: roleARN, tokenFile: tokenFile,
                                                 sessionName: nonEmpty(environment["AWS_ROLE_SESSION_NAME"]),
                                                 transport: transport, region: region)
        }
        if ContainerCredentialProvider.isConfigured(environment: environment) {
            return try ContainerCredentialProvider(environment: environment)
        }
        if InstanceMetadataCredentialProvider.isEnabled(environment: environment) {
            return try InstanceMetadataCredentialProvider(environment: environment)
        }
        return MissingCredentialProvider()
    }

    private static func environmentCredentials(_ environment: [String: String]) -> AWSCredentials? {
        guard let accessKeyID = nonEmpty(environment["AWS_ACCESS_KEY_ID"]),
              let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) else { return nil }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret,
                              sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]), source: "environment")
    }

    private static func profileProvider(profileName: String, profile: [String: String], environment: [String: String],
                                        transport: AWSTransport, region: String) throws(AWSError) -> (any AWSCredentialProvider)? {
        if let accessKeyID = nonEmpty(profile["aws_access_key_id"]) {
            guard let secret = nonEmpty(profile["aws_secret_access_key"]) else {
                throw configurationError("profile \(profileName) has aws_access_key_id but no aws_secret_access_key; add the secret key to the profile")
            }
            return StaticCredentialProvider(AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret,
                                                           sessionToken: nonEmpty(profile["aws_session_token"]),
                                                           source: "profile \(profileName)"))
        }
        if let roleARN = nonEmpty(profile["role_arn"]) {
            if let tokenFile = nonEmpty(profile["web_identity_token_file"]) {
                return WebIdentityCredentialProvider(roleARN: roleARN, tokenFile: tokenFile,
                                                     sessionName: nonEmpty(profile["role_session_name"]),
                                                     transport: transport, region: region)
            }
            throw configurationError("profile \(profileName) assumes role \(roleARN) without web_identity_token_file, which this client does not support; give the profile keys or a web identity token file")
        }
        // NOTE: role_arn with source_profile or credential_source (STS AssumeRole),
        // credential_process and IAM Identity Center (SSO) profiles are not supported. Such
        // profiles are rejected here rather than skipped, so that the chain never falls
        // through to other credentials without the operator knowing.
        if let setting = unsupportedSettings.first(where: { nonEmpty(profile[$0]) != nil }) {
            throw configurationError("profile \(profileName) uses \(setting), which this client does not support; give the profile keys or a web identity token file")
        }
        return nil
    }

    /// Profile settings of credential sources that this client does not implement.
    private static let unsupportedSettings = ["credential_process", "sso_session", "sso_start_url"]

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func configurationError(_ message: String) -> AWSError {
        AWSError(kind: .configuration, service: "aws", operation: "configure", message: message)
    }
}

/// The provider when every source is switched off or empty: each call explains what to set.
struct MissingCredentialProvider: AWSCredentialProvider {
    let name = "none"

    func credentials() throws(AWSError) -> AWSCredentials {
        throw AWSError(kind: .credentials, service: "aws", operation: "GetCredentials",
                       message: "no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile in ~/.aws/credentials, a web identity token, or a container credentials endpoint")
    }
}
