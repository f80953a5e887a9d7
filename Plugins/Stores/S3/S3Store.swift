import Foundation
import PluginKit
import Synchronization

/// Jobs as S3 objects: one object per job at `<prefix>/<id>.json` (or `<id>.json` without a
/// prefix) holding the job JSON without "id", as the original Python ecs-scheduler stored them.
///
/// Settings: `{"bucket": name, "prefix": optional key prefix, "page_size": optional 1...1000}`.
/// The prefix may end in "/" or not. Only objects directly at the prefix level whose names end
/// in ".json" are jobs; objects elsewhere in the bucket are left alone.
final class S3Store: StorePlugin {
    static let storeName = "s3"
    static let version = "1.0.0"
    static let summary = "Jobs as JSON objects <prefix>/<id>.json in an S3 bucket, as the original ecs-scheduler stored them"

    /// Objects fetched at once while loading; S3 latency, not CPU, bounds the load time.
    static let parallelFetches = 16

    let host: HostAPI
    let bucket: String
    /// The key prefix without trailing "/"; empty for none.
    let prefix: String
    /// ListObjectsV2 max-keys; nil for the service default (1,000).
    let pageSize: Int?

    init(host: HostAPI, settings: [String: JSON]) throws(PluginError) {
        guard let bucket = settings["bucket"]?.stringValue, !bucket.isEmpty else {
            throw .invalid("S3 store settings have no bucket; set ECSS_S3_BUCKET, or bucket: under s3: in the configuration file, to the bucket name")
        }
        try S3Store.checkBucketName(bucket)
        var prefix = settings["prefix"]?.stringValue ?? ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.host = host
        self.bucket = bucket
        self.prefix = prefix
        self.pageSize = try S3Store.pageSize(settings["page_size"])

        try ensureBucket()
        host.log(.info, "Opened S3 store in bucket \(bucket)" + (prefix.isEmpty ? "" : " under prefix \(prefix)/"))
    }

    // MARK: - Jobs

    func loadAll(_ visit: (String, String) throws(PluginError) -> Void) throws(PluginError) {
        var continuationToken: String?
        repeat {
            let page = try listPage(continuationToken: continuationToken)
            let jobIDs = page.keys.compactMap(jobID(forKey:))
            for (id, result) in zip(jobIDs, fetch(jobIDs)) {
                guard let body = try result.get() else { continue }
                guard (try? JSON.parse(Data(body.utf8))) != nil else {
                    host.log(.error, "Skipped S3 object \(key(for: id)) in bucket \(bucket) because it is not JSON", jobID: id)
                    continue
                }
                try visit(id, body)
            }
            continuationToken = page.isTruncated ? page.nextContinuationToken : nil
        } while continuationToken != nil
    }

    func get(id: String) throws(PluginError) -> String {
        let path = try objectPath(id)
        do throws(PluginError) {
            let response = try host.sendAWS(AWSCall(service: "s3", operation: "GetObject", method: "GET", path: path))
            return String(decoding: response.body, as: UTF8.self)
        } catch where error.status == .notFound {
            throw S3Store.notFound(id)
        } catch {
            throw failure(error, "read job \(id) from")
        }
    }

    /// Writes the object only if no object has its key. S3 rejects a PUT with
    /// `If-None-Match: *` with 412 Precondition Failed when the key exists.
    func create(id: String, document: String) throws(PluginError) {
        let path = try objectPath(id)
        do throws(PluginError) {
            _ = try host.sendAWS(putCall(path: path, document: document, extraHeaders: ["If-None-Match": "*"]))
        } catch where error.status == .conflict {
            throw PluginError(.conflict, "Job \(id) already exists.")
        } catch {
            throw failure(error, "create job \(id) in")
        }
    }

    /// Replaces the object.
    // NOTE: S3 cannot make a plain PUT conditional on the key existing, so an update writes
    // the object even when another daemon deleted the job meanwhile; SQLite and DynamoDB
    // return not found instead. An If-Match on the object's ETag would close this.
    func update(id: String, document: String) throws(PluginError) {
        let path = try objectPath(id)
        do throws(PluginError) {
            _ = try host.sendAWS(putCall(path: path, document: document, extraHeaders: [:]))
        } catch {
            throw failure(error, "update job \(id) in")
        }
    }

    /// Deletes the object after checking that it exists, because S3's DeleteObject succeeds
    /// for a missing key too.
    func delete(id: String) throws(PluginError) {
        let path = try objectPath(id)
        do throws(PluginError) {
            _ = try host.sendAWS(AWSCall(service: "s3", operation: "HeadObject", method: "HEAD", path: path))
        } catch where error.status == .notFound {
            throw S3Store.notFound(id)
        } catch {
            throw failure(error, "check job \(id) in")
        }
        do throws(PluginError) {
            _ = try host.sendAWS(AWSCall(service: "s3", operation: "DeleteObject", method: "DELETE", path: path))
        } catch {
            throw failure(error, "delete job \(id) from")
        }
    }

    // MARK: - Keys

    /// Returns the object key of a job: `<prefix>/<id>.json`.
    func key(for jobID: String) -> String {
        prefix.isEmpty ? "\(jobID).json" : "\(prefix)/\(jobID).json"
    }

    /// Returns the job id of a listed key, or nil when the key is not a job object at the
    /// prefix level.
    func jobID(forKey key: String) -> String? {
        let levelPrefix = prefix.isEmpty ? "" : prefix + "/"
        guard key.hasPrefix(levelPrefix), key.hasSuffix(".json") else { return nil }
        let name = key.dropFirst(levelPrefix.count).dropLast(".json".count)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return String(name)
    }

    /// Builds the request path of a job's object, percent-encoding each key segment apart.
    private func objectPath(_ jobID: String) throws(PluginError) -> String {
        guard !jobID.contains("/") else {
            throw .invalid("Job id \(jobID) contains \"/\", which the S3 store cannot keep at the prefix level")
        }
        let segments = key(for: jobID).split(separator: "/", omittingEmptySubsequences: false)
        return "/" + S3Store.encoded(bucket) + "/" + segments.map { S3Store.encoded(String($0)) }.joined(separator: "/")
    }

    private func putCall(path: String, document: String, extraHeaders: [String: String]) -> AWSCall {
        AWSCall(service: "s3", operation: "PutObject", method: "PUT", path: path,
                headers: extraHeaders.merging(["Content-Type": "application/json"]) { $1 }, body: Data(document.utf8))
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, as SigV4 needs for
    /// one path segment or one query value.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    // MARK: - Listing and fetching

    /// Reads one page of ListObjectsV2 at the prefix level (delimiter "/").
    private func listPage(continuationToken: String?) throws(PluginError) -> ListBucketResult {
        // Parameters in code-point order, as the canonical query string of SigV4 needs them.
        var parameters: [(String, String)] = []
        if let continuationToken { parameters.append(("continuation-token", continuationToken)) }
        parameters.append(("delimiter", "/"))
        parameters.append(("list-type", "2"))
        if let pageSize { parameters.append(("max-keys", String(pageSize))) }
        parameters.append(("prefix", prefix.isEmpty ? "" : prefix + "/"))
        let query = parameters.map { "\($0.0)=\(S3Store.encoded($0.1))" }.joined(separator: "&")

        let response: HostResponse
        do throws(PluginError) {
            response = try host.sendAWS(AWSCall(service: "s3", operation: "ListObjectsV2", method: "GET",
                                                path: "/" + S3Store.encoded(bucket), query: query))
        } catch {
            throw failure(error, "list jobs in")
        }
        guard let page = ListBucketResult.parse(response.body) else {
            throw .error("S3 ListObjectsV2 of bucket \(bucket) returned a body that is not a ListBucketResult")
        }
        return page
    }

    /// Fetches the objects of `jobIDs` with several requests in flight. Each result is the
    /// body, nil for an object deleted since the listing, or the failure.
    private func fetch(_ jobIDs: [String]) -> [Result<String?, PluginError>] {
        let results = Mutex<[Result<String?, PluginError>]>(Array(repeating: .success(nil), count: jobIDs.count))
        let nextIndex = Atomic<Int>(0)
        let finished = DispatchGroup()
        for _ in 0..<min(S3Store.parallelFetches, jobIDs.count) {
            finished.enter()
            Thread.detachNewThread { [self] in
                defer { finished.leave() }
                while case let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue, index < jobIDs.count {
                    let result = fetchOne(jobIDs[index])
                    results.withLock { $0[index] = result }
                }
            }
        }
        finished.wait()
        return results.withLock { $0 }
    }

    private func fetchOne(_ jobID: String) -> Result<String?, PluginError> {
        do throws(PluginError) {
            return .success(try get(id: jobID))
        } catch where error.status == .notFound {
            host.log(.debug, "Skipped S3 object \(key(for: jobID)) because it was deleted while loading", jobID: jobID)
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Bucket

    /// Creates the bucket when HeadBucket reports it missing, in the host's region.
    private func ensureBucket() throws(PluginError) {
        do throws(PluginError) {
            _ = try host.sendAWS(AWSCall(service: "s3", operation: "HeadBucket", method: "HEAD", path: "/" + S3Store.encoded(bucket)))
            return
        } catch where error.status == .notFound {
            try createBucket()
        } catch {
            let status = error.response?.status
            let hint = status == 403 ? "; the bucket exists but these AWS credentials may not use it"
                : status == 301 ? "; the bucket is in another region than AWS_REGION" : ""
            throw PluginError(error.status == .retry ? .retry : .error,
                              "S3 store cannot reach bucket \(bucket): \(error.message)\(hint)")
        }
    }

    private func createBucket() throws(PluginError) {
        let region = host.setting("aws.region")
        var body = Data()
        if let region, region != "us-east-1" {
            body = Data("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        do throws(PluginError) {
            _ = try host.sendAWS(AWSCall(service: "s3", operation: "CreateBucket", method: "PUT", path: "/" + S3Store.encoded(bucket),
                                         headers: body.isEmpty ? [:] : ["Content-Type": "application/xml"], body: body,
                                         region: region))
            host.log(.info, "Created S3 bucket \(bucket) in region \(region ?? "us-east-1")")
        } catch where error.response?.errorCode == "BucketAlreadyOwnedByYou" {
            return
        } catch where error.response?.errorCode == "BucketAlreadyExists" {
            throw .invalid("S3 bucket name \(bucket) is taken by another AWS account; set ECSS_S3_BUCKET to another name")
        } catch {
            throw failure(error, "create")
        }
    }

    // MARK: - Settings and errors

    private static func notFound(_ id: String) -> PluginError {
        PluginError(.notFound, "Job \(id) does not exist.")
    }

    /// Wraps a failed request: a passing failure stays `.retry`, the rest become `.error`.
    private func failure(_ error: PluginError, _ action: String) -> PluginError {
        PluginError(error.status == .retry ? .retry : .error, "S3 store could not \(action) bucket \(bucket): \(error.message)",
                    response: error.response)
    }

    /// Applies the bucket naming rules of S3 (3 to 63 lowercase letters, digits, "." and "-",
    /// starting and ending with a letter or digit).
    static func checkBucketName(_ name: String) throws(PluginError) {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        let edgesAllowed = name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
        guard (3...63).contains(name.utf8.count), allowed, edgesAllowed else {
            throw .invalid("S3 bucket name \(name) is invalid: use 3 to 63 lowercase letters, digits, \".\" and \"-\", "
                           + "starting and ending with a letter or digit")
        }
    }

    static func pageSize(_ value: JSON?) throws(PluginError) -> Int? {
        guard let value else { return nil }
        guard let size = value.intValue, (1...1000).contains(size) else {
            throw .invalid("S3 store setting page_size must be a whole number from 1 to 1000")
        }
        return size
    }
}

/// The entry point of libecss-store-s3.so, which the host finds with dlsym.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    PluginExport.store(S3Store.self)
}
