import Foundation
import PluginABI
import StorePluginSupport
import Synchronization

/// Jobs as S3 objects: one object per job at `<prefix>/<id>.json` (or `<id>.json` without a
/// prefix) holding the job JSON without "id", as the original Python ecs-scheduler stored them.
///
/// Settings: `{"bucket": name, "prefix": optional key prefix, "page_size": optional 1...1000}`.
/// The prefix may end in "/" or not. Only objects directly at the prefix level whose names end
/// in ".json" are jobs; objects elsewhere in the bucket are left alone.
final class S3Store: StoreBackend {
    /// Objects fetched at once while loading; S3 latency, not CPU, bounds the load time.
    static let parallelFetches = 16

    let host: StoreHost
    let bucket: String
    /// The key prefix without trailing "/"; empty for none.
    let prefix: String
    /// ListObjectsV2 max-keys; nil for the service default (1,000).
    let pageSize: Int?

    init(host: StoreHost, settingsJSON: String) throws(StoreFailure) {
        guard let settings = JSONText.object(settingsJSON) else {
            throw .invalid("S3 store settings are not a JSON object: \(settingsJSON)")
        }
        guard let bucket = settings["bucket"] as? String, !bucket.isEmpty else {
            throw .invalid("S3 store settings have no bucket; set ECSS_S3_BUCKET to the bucket name")
        }
        try S3Store.checkBucketName(bucket)
        var prefix = settings["prefix"] as? String ?? ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.host = host
        self.bucket = bucket
        self.prefix = prefix
        self.pageSize = try S3Store.pageSize(settings["page_size"])

        try ensureBucket()
        host.log(ECSS_LOG_INFO, "opened S3 store in bucket \(bucket)" + (prefix.isEmpty ? "" : " under prefix \(prefix)/"))
    }

    // MARK: - Jobs

    func loadAll(_ visit: (String, String) throws(StoreFailure) -> Void) throws(StoreFailure) {
        var continuationToken: String?
        repeat {
            let page = try listPage(continuationToken: continuationToken)
            let objects = page.keys.compactMap(jobID(forKey:))
            for (id, result) in zip(objects, fetch(objects)) {
                guard let body = try result.get() else { continue }
                guard JSONText.isJSON(body) else {
                    host.log(ECSS_LOG_ERROR, "skipped S3 object \(key(for: id)) in bucket \(bucket): it is not JSON", jobID: id)
                    continue
                }
                try visit(id, body)
            }
            continuationToken = page.isTruncated ? page.nextContinuationToken : nil
        } while continuationToken != nil
    }

    func get(_ jobID: String) throws(StoreFailure) -> String {
        let response = host.send(AWSRequest(service: "s3", method: "GET", path: try objectPath(jobID)))
        guard response.status == ECSS_OK else {
            if response.status == ECSS_NOT_FOUND { throw .notFound(jobID: jobID) }
            throw failure(response, "read job \(jobID) from")
        }
        return response.bodyText
    }

    /// Writes the object only if no object has its key. S3 rejects a PUT with
    /// `If-None-Match: *` with 412 Precondition Failed when the key exists.
    func create(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        let response = host.send(putRequest(path: try objectPath(jobID), jobJSON: jobJSON, extraHeaders: ["If-None-Match: *"]))
        guard response.status == ECSS_OK else {
            if response.status == ECSS_CONFLICT { throw .conflict(jobID: jobID) }
            throw failure(response, "create job \(jobID) in")
        }
    }

    /// Replaces the object. S3 cannot make a plain PUT conditional on the key existing, so
    /// this writes the object even when another daemon deleted it meanwhile.
    func update(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        let response = host.send(putRequest(path: try objectPath(jobID), jobJSON: jobJSON, extraHeaders: []))
        guard response.status == ECSS_OK else { throw failure(response, "update job \(jobID) in") }
    }

    /// Deletes the object after checking that it exists, because S3's DeleteObject succeeds
    /// for a missing key too.
    func delete(_ jobID: String) throws(StoreFailure) {
        let path = try objectPath(jobID)
        let head = host.send(AWSRequest(service: "s3", method: "HEAD", path: path))
        guard head.status == ECSS_OK else {
            if head.status == ECSS_NOT_FOUND { throw .notFound(jobID: jobID) }
            throw failure(head, "check job \(jobID) in")
        }
        let response = host.send(AWSRequest(service: "s3", method: "DELETE", path: path))
        guard response.status == ECSS_OK else { throw failure(response, "delete job \(jobID) from") }
    }

    func close() {}

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
    private func objectPath(_ jobID: String) throws(StoreFailure) -> String {
        guard !jobID.contains("/") else {
            throw .invalid("job id \(jobID) contains \"/\", which the S3 store cannot keep at the prefix level")
        }
        let segments = key(for: jobID).split(separator: "/", omittingEmptySubsequences: false)
        return "/" + percentEncoded(bucket) + "/" + segments.map { percentEncoded(String($0)) }.joined(separator: "/")
    }

    private func putRequest(path: String, jobJSON: String, extraHeaders: [String]) -> AWSRequest {
        AWSRequest(service: "s3", method: "PUT", path: path, headers: ["Content-Type: application/json"] + extraHeaders,
                   body: Data(jobJSON.utf8))
    }

    // MARK: - Listing and fetching

    /// Reads one page of ListObjectsV2 at the prefix level (delimiter "/").
    private func listPage(continuationToken: String?) throws(StoreFailure) -> ListBucketResult {
        // Parameters in code-point order, as the canonical query string of SigV4 needs them.
        var parameters: [(String, String)] = []
        if let continuationToken { parameters.append(("continuation-token", continuationToken)) }
        parameters.append(("delimiter", "/"))
        parameters.append(("list-type", "2"))
        if let pageSize { parameters.append(("max-keys", String(pageSize))) }
        parameters.append(("prefix", prefix.isEmpty ? "" : prefix + "/"))
        let query = parameters.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")

        let response = host.send(AWSRequest(service: "s3", method: "GET", path: "/" + percentEncoded(bucket), query: query))
        guard response.status == ECSS_OK else { throw failure(response, "list jobs in") }
        guard let page = ListBucketResult.parse(response.body) else {
            throw .error("S3 ListObjectsV2 of bucket \(bucket) returned a body that is not a ListBucketResult")
        }
        return page
    }

    /// Fetches the objects of `jobIDs` with several requests in flight. Each result is the
    /// body, nil for an object deleted since the listing, or the failure.
    private func fetch(_ jobIDs: [String]) -> [Result<String?, StoreFailure>] {
        let results = Mutex<[Result<String?, StoreFailure>]>(Array(repeating: .success(nil), count: jobIDs.count))
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

    private func fetchOne(_ jobID: String) -> Result<String?, StoreFailure> {
        do throws(StoreFailure) {
            return .success(try get(jobID))
        } catch where error.status == ECSS_NOT_FOUND {
            host.log(ECSS_LOG_DEBUG, "S3 object \(key(for: jobID)) was deleted while loading; skipped it", jobID: jobID)
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Bucket

    /// Creates the bucket when HeadBucket reports it missing, in the host's region.
    private func ensureBucket() throws(StoreFailure) {
        let head = host.send(AWSRequest(service: "s3", method: "HEAD", path: "/" + percentEncoded(bucket)))
        if head.status == ECSS_OK { return }
        guard head.status == ECSS_NOT_FOUND else {
            let hint = head.httpStatus == 403
                ? "; the bucket exists but these AWS credentials may not use it"
                : head.httpStatus == 301 ? "; the bucket is in another region than AWS_REGION" : ""
            throw StoreFailure(head.status == ECSS_RETRY ? ECSS_RETRY : ECSS_ERROR,
                               "cannot reach S3 bucket \(bucket): \(head.message ?? "HTTP \(head.httpStatus)")\(hint)")
        }
        try createBucket()
    }

    private func createBucket() throws(StoreFailure) {
        let region = host.config("aws.region")
        var body = Data()
        if let region, region != "us-east-1" {
            body = Data("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        let response = host.send(AWSRequest(service: "s3", method: "PUT", path: "/" + percentEncoded(bucket),
                                            headers: body.isEmpty ? [] : ["Content-Type: application/xml"], body: body,
                                            region: region))
        switch (response.status, response.errorCode) {
        case (ECSS_OK, _):
            host.log(ECSS_LOG_INFO, "created S3 bucket \(bucket) in region \(region ?? "us-east-1")")
        case (_, "BucketAlreadyOwnedByYou"):
            return
        case (_, "BucketAlreadyExists"):
            throw .invalid("S3 bucket name \(bucket) is taken by another AWS account; set ECSS_S3_BUCKET to another name")
        default:
            throw failure(response, "create")
        }
    }

    // MARK: - Settings and errors

    private func failure(_ response: HostResponse, _ action: String) -> StoreFailure {
        let status = response.status == ECSS_RETRY ? ECSS_RETRY : ECSS_ERROR
        let detail = response.message ?? "HTTP \(response.httpStatus)"
        return StoreFailure(status, "S3 store could not \(action) bucket \(bucket): \(detail)")
    }

    /// Applies the bucket naming rules of S3 (3 to 63 lowercase letters, digits, "." and "-",
    /// starting and ending with a letter or digit).
    static func checkBucketName(_ name: String) throws(StoreFailure) {
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

    static func pageSize(_ value: Any?) throws(StoreFailure) -> Int? {
        guard let value else { return nil }
        guard !JSONText.isBoolean(value), let size = value as? Int, (1...1000).contains(size) else {
            throw .invalid("S3 store setting page_size must be a whole number from 1 to 1000, not \(value)")
        }
        return size
    }
}
