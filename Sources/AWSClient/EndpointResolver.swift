import Foundation

/// A request's destination: scheme, host, port and any base path of the endpoint.
struct Endpoint: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int?
    /// A path prefix of a custom endpoint URL, without the trailing slash; usually empty.
    var basePath: String
    /// True when the endpoint comes from `AWS_ENDPOINT_URL*`, not from AWS's host names.
    var isCustom: Bool

    /// The `Host` header: the host, with the port when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return name }
        return "\(name):\(port)"
    }

    /// Builds the full URL for a percent-encoded path and query.
    func url(path: String, query: String?) -> String {
        var text = "\(scheme)://\(hostHeader)\(basePath)\(path)"
        if let query, !query.isEmpty {
            text += "?\(query)"
        }
        return text
    }

    /// Parses an endpoint URL from the environment.
    /// - Throws: `AWSError` of kind `.configuration` naming `variable` when the value is not
    ///   an http or https URL with a host.
    static func parse(_ text: String, variable: String) throws(AWSError) -> Endpoint {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else {
            throw AWSError(kind: .configuration, service: "aws", operation: "configure",
                           message: "\(variable)=\(text) is not an http:// or https:// URL with a host; set it to a URL such as https://localhost:4566")
        }
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        return Endpoint(scheme: scheme, host: host, port: components.port, basePath: basePath, isCustom: true)
    }
}

/// Finds each service's endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
/// then AWS's regional host name. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips both
/// variables.
struct EndpointResolver: Sendable {
    private var serviceEndpoints: [String: Endpoint] = [:]
    private var globalEndpoint: Endpoint?

    init(environment: [String: String]) throws(AWSError) {
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" {
            return
        }
        if let text = environment["AWS_ENDPOINT_URL"], !text.isEmpty {
            globalEndpoint = try Endpoint.parse(text, variable: "AWS_ENDPOINT_URL")
        }
        for (name, text) in environment where name.hasPrefix("AWS_ENDPOINT_URL_") && !text.isEmpty {
            serviceEndpoints[String(name.dropFirst("AWS_ENDPOINT_URL_".count))] = try Endpoint.parse(text, variable: name)
        }
    }

    /// Returns the variable suffix for a service: its signing name in uppercase with `-` as
    /// `_` (`dynamodb` is `DYNAMODB`).
    static func environmentKey(service: String) -> String {
        service.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
    }

    /// Finds the endpoint for `service` in `region`.
    func endpoint(service: String, region: String) -> Endpoint {
        if let endpoint = serviceEndpoints[Self.environmentKey(service: service)] ?? globalEndpoint {
            return endpoint
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let host = service == "iam" ? "iam.\(suffix)" : "\(service).\(region).\(suffix)"
        return Endpoint(scheme: "https", host: host, port: nil, basePath: "", isCustom: false)
    }

    /// Returns the region to sign for, which is us-east-1 (cn-north-1 in China) for IAM's
    /// global endpoint.
    static func signingRegion(service: String, region: String, endpoint: Endpoint) -> String {
        guard service == "iam", !endpoint.isCustom else { return region }
        return region.hasPrefix("cn-") ? "cn-north-1" : "us-east-1"
    }

    /// Moves an S3 bucket from the path into the host name (virtual-hosted style) for AWS's
    /// own endpoints, when the bucket name is valid in a host name. Custom endpoints and
    /// other buckets keep path-style addressing.
    static func s3Addressing(endpoint: Endpoint, path: String) -> (endpoint: Endpoint, path: String) {
        guard !endpoint.isCustom, path.hasPrefix("/") else { return (endpoint, path) }
        let rest = path.dropFirst()
        let bucket = rest.prefix { $0 != "/" }
        guard isVirtualHostBucket(bucket) else { return (endpoint, path) }
        var virtual = endpoint
        virtual.host = "\(bucket).\(endpoint.host)"
        let key = rest.dropFirst(bucket.count)
        return (virtual, key.isEmpty ? "/" : String(key))
    }

    /// True for names of 3 to 63 lowercase letters, digits and `-`, starting and ending with
    /// a letter or digit. Names with dots stay path-style, because they break TLS wildcard
    /// certificates.
    private static func isVirtualHostBucket(_ name: Substring) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last,
              first != "-", last != "-" else { return false }
        return name.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}
