import Foundation
import Testing
@testable import AWSClient

/// Runs every case of AWS's Signature Version 4 test suite (Fixtures/aws-sigv4-test-suite)
/// through `SigV4Signer`, checking the canonical request, the string to sign and the
/// Authorization header.
@Suite struct SigV4SuiteTests {
    static let suiteFolder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("aws-sigv4-test-suite/aws-sig-v4-test-suite")

    /// Every folder that contains a `.req` file, as a path relative to the suite folder.
    static let caseNames: [String] = {
        let enumerator = FileManager.default.enumerator(at: suiteFolder, includingPropertiesForKeys: nil)!
        var names: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "req" {
            let folder = url.deletingLastPathComponent().path
            names.append(String(folder.dropFirst(suiteFolder.path.count + 1)))
        }
        return names.sorted()
    }()

    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    @Test func suiteHasEveryCase() {
        #expect(Self.caseNames.count == 31)
    }

    @Test(arguments: caseNames)
    func signatureMatchesSuite(caseName: String) throws {
        let folder = Self.suiteFolder.appendingPathComponent(caseName)
        let base = folder.appendingPathComponent(folder.lastPathComponent).path
        let request = try SuiteRequest(text: String(contentsOfFile: base + ".req", encoding: .utf8))

        // A session token in the request is moved into the credentials, so that the signer adds it.
        var credentials = Self.credentials
        var headers = request.headers
        if let index = headers.firstIndex(where: { $0.name.lowercased() == "x-amz-security-token" }) {
            credentials.sessionToken = headers.remove(at: index).value
        }
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let signature = signer.sign(method: request.method, path: request.path, query: request.query,
                                    headers: headers, payload: request.body, date: try #require(request.date))

        let expectedAuthorization = try String(contentsOfFile: base + ".authz", encoding: .utf8)
        #expect(signature.canonicalRequest == (try String(contentsOfFile: base + ".creq", encoding: .utf8)))
        guard let erratum = Self.errata[caseName] else {
            #expect(signature.stringToSign == (try String(contentsOfFile: base + ".sts", encoding: .utf8)))
            #expect(signature.authorization == expectedAuthorization)
            return
        }

        // The case's .sts and .authz belong to the older request; sign that one for them.
        var olderHeaders = headers.filter { $0.name.lowercased() != "content-length" }
        if let index = olderHeaders.firstIndex(where: { $0.name.lowercased() == "content-type" }) {
            olderHeaders[index].value = erratum
        }
        let older = signer.sign(method: request.method, path: request.path, query: request.query,
                                headers: olderHeaders, payload: request.body, date: try #require(request.date))
        #expect(older.stringToSign == (try String(contentsOfFile: base + ".sts", encoding: .utf8)))
        #expect(Self.signatureValue(older.authorization) == Self.signatureValue(expectedAuthorization))
    }

    /// Two cases of the published suite disagree with themselves. Their `.req` and `.creq`
    /// files carry a `Content-Length` header, and the `-parameters` case has the content
    /// type `...; charset=utf-8`. Their `.sts` and `.authz` files, however, were computed
    /// from an older request without `Content-Length` and with the content type given
    /// here. The `-parameters` case's `.authz` even lists `content-length` among the signed
    /// headers while its signature leaves it out. No signer can match all three files from
    /// one request, so for these cases the string to sign and the signature are checked
    /// against the older request.
    static let errata: [String: String] = [
        "post-x-www-form-urlencoded": "application/x-www-form-urlencoded",
        "post-x-www-form-urlencoded-parameters": "application/x-www-form-urlencoded; charset=utf8",
    ]

    static func signatureValue(_ authorization: String) -> Substring? {
        authorization.range(of: "Signature=").map { authorization[$0.upperBound...] }
    }
}

/// A request of the suite's `.req` files: a request line, header lines (an indented line
/// continues the previous header), a blank line and the body.
struct SuiteRequest {
    var method: String
    var path: String
    var query: String?
    var headers: [(name: String, value: String)] = []
    var body = Data()

    init(text: String) throws {
        let lines = text.components(separatedBy: "\n")
        let requestLine = lines[0]
        guard let firstSpace = requestLine.firstIndex(of: " "), requestLine.hasSuffix(" HTTP/1.1") else {
            throw TestFailure("malformed request line \(requestLine)")
        }
        method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<requestLine.index(requestLine.endIndex, offsetBy: -9)]
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = String(target)
        }

        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            index += 1
        }
        if index < lines.count {
            body = Data(lines[(index + 1)...].joined(separator: "\n").utf8)
        }
    }

    /// The X-Amz-Date header as a date.
    var date: Date? {
        guard let text = headers.first(where: { $0.name.lowercased() == "x-amz-date" })?.value else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
