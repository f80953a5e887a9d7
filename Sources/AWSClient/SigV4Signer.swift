import Foundation

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`) in the Authorization
/// header.
///
/// The signer follows the published algorithm and its test suite. It builds the canonical
/// request (method, canonical URI, canonical query, canonical headers, signed header names,
/// payload hash) and the string to sign, and signs that with a key derived from the secret
/// key, date, region and service.
///
/// S3 differs from the other services in two ways, both selected by `isS3`: the path is
/// signed exactly as sent (no dot-segment removal and no second round of percent-encoding),
/// and the payload hash is also sent as the `x-amz-content-sha256` header.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name of the service ("ecs", "s3", "dynamodb").
    public var service: String
    /// Applies S3's rules: the path is signed as given, and `x-amz-content-sha256` is added.
    public var isS3: Bool

    public init(credentials: AWSCredentials, region: String, service: String, isS3: Bool? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.isS3 = isS3 ?? (service == "s3")
    }

    /// The parts of one signature, for sending and for checking against the test suite.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var authorization: String
        /// Every header to send: the request's own, plus `x-amz-date`, the session token and
        /// the S3 payload hash when they apply, plus `Authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// Signs a request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the URL path as sent on the wire (percent-encoded).
    ///   - query: the query string as sent, without `?`.
    ///   - headers: the headers to sign and send, including `Host`; repeated names are
    ///     signed as one header whose values are joined with commas, in order.
    ///   - payload: the body.
    ///   - date: the signing time.
    public func sign(method: String, path: String, query: String?, headers: [(name: String, value: String)],
                     payload: Data, date: Date) -> Signature {
        let time = SigningTime(date)
        let payloadHash = Crypto.hex(Crypto.sha256(payload))

        var allHeaders = headers.filter {
            let name = $0.name.lowercased()
            return name != "x-amz-date" && name != "authorization"
        }
        allHeaders.append(("X-Amz-Date", time.dateTime))
        if let token = credentials.sessionToken, !allHeaders.contains(where: { $0.name.lowercased() == "x-amz-security-token" }) {
            allHeaders.append(("X-Amz-Security-Token", token))
        }
        if isS3, !allHeaders.contains(where: { $0.name.lowercased() == "x-amz-content-sha256" }) {
            allHeaders.append(("X-Amz-Content-Sha256", payloadHash))
        }

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(allHeaders)
        let canonicalRequest = [
            method.uppercased(),
            canonicalURI(path),
            Self.canonicalQuery(query ?? ""),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            time.dateTime,
            scope,
            Crypto.hex(Crypto.sha256(Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        let signature = Crypto.hex(Crypto.hmacSHA256(key: signingKey(date: time.date), message: Data(stringToSign.utf8)))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        allHeaders.append(("Authorization", authorization))
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                         authorization: authorization, headers: allHeaders)
    }

    /// Derives the signing key: HMAC chained over date, region, service and `aws4_request`.
    private func signingKey(date: String) -> [UInt8] {
        let secret = Array("AWS4\(credentials.secretAccessKey)".utf8)
        let dateKey = Crypto.hmacSHA256(key: secret, message: Array(date.utf8))
        let regionKey = Crypto.hmacSHA256(key: dateKey, message: Array(region.utf8))
        let serviceKey = Crypto.hmacSHA256(key: regionKey, message: Array(service.utf8))
        return Crypto.hmacSHA256(key: serviceKey, message: Array("aws4_request".utf8))
    }

    /// Builds the canonical URI. For S3 it is the path as sent. For other services it is the
    /// path without dot segments and empty segments, percent-encoded once more.
    func canonicalURI(_ path: String) -> String {
        if path.isEmpty { return "/" }
        if isS3 { return path }
        return Self.percentEncode(Self.removeDotSegments(path), keepingSlashes: true)
    }

    /// Removes `.`, `..` and empty segments, keeping a leading and a trailing slash.
    static func removeDotSegments(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return leading + segments.joined(separator: "/") + trailing
    }

    /// Builds the canonical query. Each parameter is decoded and encoded again with the SigV4
    /// rules, and the parameters are sorted by name and then by value. A parameter without
    /// `=` gets an empty value.
    static func canonicalQuery(_ query: String) -> String {
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            pairs.append((reencode(name), reencode(value)))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    private static func reencode(_ text: Substring) -> String {
        let decoded = String(text).removingPercentEncoding ?? String(text)
        return percentEncode(decoded, keepingSlashes: false)
    }

    /// Builds the canonical header block and the signed header list. Names are lowercased
    /// and sorted. Values are trimmed, and runs of spaces become one. Folded lines, and the
    /// values of a repeated name in order, are joined with commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(canonicalHeaderValue(value))
        }
        let names = values.keys.sorted()
        var block = ""
        for name in names {
            block += "\(name):\(values[name]!.joined(separator: ","))\n"
        }
        return (block, names.joined(separator: ";"))
    }

    private static func canonicalHeaderValue(_ value: String) -> String {
        let lines = value.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        return lines
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: ",")
    }

    /// Percent-encodes every byte of the UTF-8 text except the unreserved characters
    /// (`A-Z a-z 0-9 - _ . ~`) and, when asked, `/`, with uppercase hex digits.
    public static func percentEncode(_ text: String, keepingSlashes: Bool) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// A signing time in the two forms SigV4 uses: `20150830` and `20150830T123600Z` (UTC).
struct SigningTime {
    let date: String
    let dateTime: String

    init(_ instant: Date) {
        var seconds = time_t(instant.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        date = String(format: "%04d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        dateTime = date + String(format: "T%02d%02d%02dZ", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
