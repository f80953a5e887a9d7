import Foundation
import Testing
@testable import AWSClient

/// S3's signing rules and session tokens, beyond the generic suite.
@Suite struct SigV4RulesTests {
    /// 2013-05-24T00:00:00Z, the time of the S3 documentation's examples.
    static let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)
    static let exampleCredentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                   secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    /// The "GET Object" example of the Amazon S3 API reference ("Signature calculations for
    /// the Authorization header: transferring payload in a single chunk").
    @Test func s3GetObjectMatchesDocumentedExample() {
        let signer = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "s3")
        let signature = signer.sign(method: "GET", path: "/test.txt", query: nil,
                                    headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
                                    payload: Data(), date: Self.exampleDate)

        #expect(signature.canonicalRequest == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signature.stringToSign.hasSuffix("\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(signature.authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3SendsPayloadHashHeader() {
        let signer = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "s3")
        let body = Data("hello".utf8)
        let signature = signer.sign(method: "PUT", path: "/bucket/key", query: nil, headers: [("Host", "localhost")],
                                    payload: body, date: Self.exampleDate)
        let sent = signature.headers.first { $0.name.lowercased() == "x-amz-content-sha256" }?.value

        #expect(sent == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(signature.canonicalRequest.hasSuffix("\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
    }

    @Test func s3SignsPathAsSent() {
        let path = "/bucket/a/./b//c/../d%20e"
        let s3 = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "s3")
        let other = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "ecs")

        #expect(s3.canonicalURI(path) == "/bucket/a/./b//c/../d%20e")
        #expect(other.canonicalURI(path) == "/bucket/a/b/d%2520e")
    }

    @Test func otherServicesSendNoPayloadHashHeader() {
        let signer = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "dynamodb")
        let signature = signer.sign(method: "POST", path: "/", query: nil, headers: [("Host", "localhost")],
                                    payload: Data("{}".utf8), date: Self.exampleDate)

        #expect(!signature.headers.contains { $0.name.lowercased() == "x-amz-content-sha256" })
    }

    @Test func sessionTokenIsSentAndSigned() {
        var credentials = Self.exampleCredentials
        credentials.sessionToken = "token/with+symbols=="
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "sqs")
        let signature = signer.sign(method: "POST", path: "/", query: nil, headers: [("Host", "localhost")],
                                    payload: Data(), date: Self.exampleDate)

        #expect(signature.headers.first { $0.name == "X-Amz-Security-Token" }?.value == "token/with+symbols==")
        #expect(signature.canonicalRequest.contains("\nx-amz-security-token:token/with+symbols==\n"))
        #expect(signature.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(signature.authorization.contains("/20130524/eu-west-1/sqs/aws4_request,"))
    }

    @Test func queryIsSortedAndEncodedOnce() {
        #expect(SigV4Signer.canonicalQuery("b=2&a=%2F x&a=1&flag") == "a=%2F%20x&a=1&b=2&flag=")
        #expect(SigV4Signer.canonicalQuery("prefix=jobs%2F&list-type=2") == "list-type=2&prefix=jobs%2F")
    }

    @Test func credentialsDescriptionHidesSecrets() {
        var credentials = Self.exampleCredentials
        credentials.sessionToken = "session-token-value"
        let text = "\(credentials)"

        #expect(text.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(!text.contains("wJalrXUtnFEMI"))
        #expect(!text.contains("session-token-value"))
    }
}
