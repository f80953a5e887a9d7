import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Amazon S3 operations (REST-XML). Requests are path-style (`/bucket/key`); against AWS's
/// own endpoints the client moves the bucket into the host name.
public struct S3: Sendable {
    let client: AWSClient

    /// An object's body and metadata.
    public struct Object: Sendable {
        public var body: Data
        public var eTag: String?
        public var contentType: String?
        public var lastModified: String?
    }

    /// One entry of a bucket listing.
    public struct ObjectSummary: Sendable, Equatable {
        public var key: String
        public var size: Int
        public var eTag: String?
        public var lastModified: String?
    }

    /// Checks that a bucket exists and the caller may use it.
    /// - Throws: `AWSError` with status 404 (code `NotFound`) when the bucket does not
    ///   exist, 403 (code `Forbidden`) when access is denied.
    public func headBucket(_ bucket: String) throws(AWSError) {
        _ = try client.send(AWSRequest(service: "s3", operation: "HeadBucket", method: "HEAD", path: Self.path(bucket)))
    }

    /// Creates a bucket in `region` (the client's region when nil), with the location
    /// constraint that every region but us-east-1 requires.
    /// - Throws: `AWSError` with code `BucketAlreadyOwnedByYou` or `BucketAlreadyExists`
    ///   when the name is taken.
    public func createBucket(_ bucket: String, region: String? = nil) throws(AWSError) {
        let region = region ?? client.region
        var body = Data()
        if region != "us-east-1" {
            body = Data(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(XMLBody.escape(region))</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        var headers: [String: String] = [:]
        if !body.isEmpty { headers["Content-Type"] = "application/xml" }
        _ = try client.send(AWSRequest(service: "s3", operation: "CreateBucket", method: "PUT", path: Self.path(bucket),
                                       headers: headers, body: body, region: region))
    }

    /// Reads an object.
    /// - Throws: `AWSError` with code `NoSuchKey` (404) when there is no such object.
    public func getObject(bucket: String, key: String) throws(AWSError) -> Object {
        let response = try client.send(AWSRequest(service: "s3", operation: "GetObject", method: "GET", path: Self.path(bucket, key)))
        return Object(body: response.body, eTag: response.headers["etag"], contentType: response.headers["content-type"],
                      lastModified: response.headers["last-modified"])
    }

    /// Writes an object.
    ///
    /// - Parameters:
    ///   - ifNoneMatch: `*` to write only when no object has the key.
    ///   - ifMatch: an ETag, to write only when the current object has it.
    /// - Returns: the new object's ETag.
    /// - Throws: `AWSError` with status 412 (code `PreconditionFailed`) when a condition fails.
    @discardableResult
    public func putObject(bucket: String, key: String, body: Data, contentType: String? = nil,
                          ifNoneMatch: String? = nil, ifMatch: String? = nil) throws(AWSError) -> String? {
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        if let ifNoneMatch { headers["If-None-Match"] = ifNoneMatch }
        if let ifMatch { headers["If-Match"] = ifMatch }
        let response = try client.send(AWSRequest(service: "s3", operation: "PutObject", method: "PUT",
                                                  path: Self.path(bucket, key), headers: headers, body: body))
        return response.headers["etag"]
    }

    /// Deletes an object; deleting a key that does not exist succeeds, as in S3.
    public func deleteObject(bucket: String, key: String) throws(AWSError) {
        _ = try client.send(AWSRequest(service: "s3", operation: "DeleteObject", method: "DELETE", path: Self.path(bucket, key)))
    }

    /// Lists the objects under `prefix`, following every page.
    /// - Parameter pageSize: keys per page, 1 to 1000.
    public func listObjectsV2(bucket: String, prefix: String? = nil, pageSize: Int = 1000) throws(AWSError) -> [ObjectSummary] {
        var objects: [ObjectSummary] = []
        var continuationToken: String?
        repeat {
            var parameters = ["list-type": "2", "max-keys": String(pageSize), "encoding-type": "url"]
            if let prefix { parameters["prefix"] = prefix }
            if let continuationToken { parameters["continuation-token"] = continuationToken }
            let response = try client.send(AWSRequest(service: "s3", operation: "ListObjectsV2", method: "GET",
                                                      path: Self.path(bucket), query: Self.query(parameters)))
            guard let root = XMLBody.root(response.body) else {
                throw AWSError(kind: .invalidResponse, service: "s3", operation: "ListObjectsV2", status: response.status,
                               message: "the response body is not XML", requestID: response.requestID, response: response)
            }
            objects += Self.summaries(in: root)
            let isTruncated = root.text(of: "IsTruncated") == "true"
            continuationToken = isTruncated ? root.text(of: "NextContinuationToken") : nil
        } while continuationToken != nil
        return objects
    }

    private static func summaries(in root: XMLElement) -> [ObjectSummary] {
        // With encoding-type=url the keys arrive percent-encoded, so that any key survives XML.
        let encoded = root.text(of: "EncodingType") == "url"
        return root.children(named: "Contents").compactMap { element in
            guard var key = element.text(of: "Key") else { return nil }
            if encoded {
                key = key.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? key
            }
            return ObjectSummary(key: key, size: Int(element.text(of: "Size") ?? "") ?? 0,
                                 eTag: element.text(of: "ETag"), lastModified: element.text(of: "LastModified"))
        }
    }

    /// Builds the path-style path of a bucket or an object, percent-encoded (`/` kept in keys).
    static func path(_ bucket: String, _ key: String? = nil) -> String {
        var path = "/" + SigV4Signer.percentEncode(bucket, keepingSlashes: false)
        if let key {
            path += "/" + SigV4Signer.percentEncode(key, keepingSlashes: true)
        }
        return path
    }

    static func query(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }
            .map { "\(SigV4Signer.percentEncode($0.key, keepingSlashes: false))=\(SigV4Signer.percentEncode($0.value, keepingSlashes: false))" }
            .joined(separator: "&")
    }
}

extension AWSClient {
    public var s3: S3 { S3(client: self) }
}
