import Foundation
import Testing
@testable import AWSClient

/// S3 operations (REST-XML, path-style) against moto.
@Suite struct S3Tests {
    static func bucket(_ client: AWSClient) throws -> String {
        let bucket = MotoFixture.uniqueName("bucket")
        try client.s3.createBucket(bucket)
        return bucket
    }

    @Test func headBucketTellsWhetherItExists() throws {
        let client = try MotoFixture.client()
        let bucket = try Self.bucket(client)

        try client.s3.headBucket(bucket)
        let error = #expect(throws: AWSError.self) { try client.s3.headBucket(MotoFixture.uniqueName("missing")) }

        #expect(error?.status == 404)
        #expect(error?.code == "NotFound")
        #expect(error?.operation == "HeadBucket")
    }

    @Test func bucketOutsideUSEast1GetsLocationConstraint() throws {
        let client = try MotoFixture.client()
        let bucket = MotoFixture.uniqueName("eu-bucket")

        try client.s3.createBucket(bucket, region: "eu-west-1")
        let location = try client.send(AWSRequest(service: "s3", operation: "GetBucketLocation", method: "GET",
                                                  path: "/\(bucket)", query: "location", region: "eu-west-1"))
        let again = #expect(throws: AWSError.self) { try client.s3.createBucket(bucket, region: "eu-west-1") }

        #expect(String(decoding: location.body, as: UTF8.self).contains(">eu-west-1</LocationConstraint>"))
        #expect(again?.status == 409)
        #expect(again?.code == "BucketAlreadyOwnedByYou")
    }

    @Test func objectRoundTripWithAwkwardKey() throws {
        let client = try MotoFixture.client()
        let bucket = try Self.bucket(client)
        let key = "jobs/a b+c/ünïcode?&=.json"
        let body = Data(#"{"schedule":"0 */5"}"#.utf8)

        let eTag = try client.s3.putObject(bucket: bucket, key: key, body: body, contentType: "application/json")
        let object = try client.s3.getObject(bucket: bucket, key: key)
        let listed = try client.s3.listObjectsV2(bucket: bucket, prefix: "jobs/")
        try client.s3.deleteObject(bucket: bucket, key: key)
        let gone = #expect(throws: AWSError.self) { try client.s3.getObject(bucket: bucket, key: key) }

        #expect(object.body == body)
        #expect(object.contentType == "application/json")
        #expect(object.eTag == eTag)
        #expect(eTag?.isEmpty == false)
        #expect(listed.map(\.key) == [key])
        #expect(listed.first?.size == body.count)
        #expect(gone?.status == 404)
        #expect(gone?.code == "NoSuchKey")
    }

    @Test func conditionalWritesAreEnforced() throws {
        let client = try MotoFixture.client()
        let bucket = try Self.bucket(client)
        let key = "jobs/nightly.json"

        let firstETag = try #require(try client.s3.putObject(bucket: bucket, key: key, body: Data("1".utf8), ifNoneMatch: "*"))
        let taken = #expect(throws: AWSError.self) {
            try client.s3.putObject(bucket: bucket, key: key, body: Data("2".utf8), ifNoneMatch: "*")
        }
        let stale = #expect(throws: AWSError.self) {
            try client.s3.putObject(bucket: bucket, key: key, body: Data("3".utf8), ifMatch: "\"0123456789abcdef\"")
        }
        try client.s3.putObject(bucket: bucket, key: key, body: Data("4".utf8), ifMatch: firstETag)

        #expect(taken?.status == 412)
        #expect(taken?.code == "PreconditionFailed")
        #expect(taken?.isRetryable == false)
        #expect(stale?.status == 412)
        #expect(try client.s3.getObject(bucket: bucket, key: key).body == Data("4".utf8))
    }

    @Test func deletingMissingObjectSucceeds() throws {
        let client = try MotoFixture.client()
        let bucket = try Self.bucket(client)
        try client.s3.deleteObject(bucket: bucket, key: "never-written.json")
    }

    @Test func listingFollowsEveryPage() throws {
        let client = try MotoFixture.client()
        let bucket = try Self.bucket(client)
        let keys = (0..<105).map { String(format: "list/job-%03d.json", $0) }
        for key in keys {
            try client.s3.putObject(bucket: bucket, key: key, body: Data(key.utf8))
        }
        try client.s3.putObject(bucket: bucket, key: "other/outside.json", body: Data())

        let firstPage = try client.send(AWSRequest(service: "s3", operation: "ListObjectsV2", method: "GET", path: "/\(bucket)",
                                                   query: "list-type=2&max-keys=20&prefix=list%2F"))
        let listed = try client.s3.listObjectsV2(bucket: bucket, prefix: "list/", pageSize: 20)
        let everything = try client.s3.listObjectsV2(bucket: bucket, pageSize: 50)

        #expect(String(decoding: firstPage.body, as: UTF8.self).contains("<IsTruncated>true</IsTruncated>"))
        #expect(listed.map(\.key) == keys)
        #expect(everything.count == 106)
    }

    @Test func listingMissingBucketFails() throws {
        let client = try MotoFixture.client()
        let error = #expect(throws: AWSError.self) {
            try client.s3.listObjectsV2(bucket: MotoFixture.uniqueName("missing"))
        }
        #expect(error?.code == "NoSuchBucket")
        #expect(error?.requestID?.isEmpty == false)
    }
}
