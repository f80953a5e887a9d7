import Foundation
import PluginABI
import Testing
import TestSupport

/// The S3 store plugin against moto's server.
@Suite(.motoServer) struct S3StoreTests {
    let plugin: StorePluginLibrary
    let moto: MotoServer
    let direct: MotoClient
    /// A bucket name of this test alone, so tests can share one moto server.
    let bucket = "jobs-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        plugin = try StorePluginLibrary(name: "ecss-store-s3")
        moto = try #require(Emulators.moto)
        direct = MotoClient(endpoint: moto.endpoint)
    }

    private func open(prefix: String? = nil, pageSize: Int? = nil, region: String = "us-east-1") -> (OpenedStore?, HookResult) {
        var settings: [String: Any] = ["bucket": bucket]
        settings["prefix"] = prefix
        settings["page_size"] = pageSize
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        return plugin.open(settings: json, hostSettings: ["aws.region": region, "test.aws_endpoint": moto.endpoint])
    }

    private func openOrThrow(prefix: String? = nil, pageSize: Int? = nil) throws -> OpenedStore {
        let (store, result) = open(prefix: prefix, pageSize: pageSize)
        guard let store else { throw TestSupportError("on_open failed: \(result)") }
        return store
    }

    private func putObject(_ key: String, _ body: String) throws {
        let (status, _) = try direct.call("s3", "PUT", "/\(bucket)/\(key)", body: Data(body.utf8))
        #expect(status == 200, "PUT \(key)")
    }

    private func object(_ key: String) throws -> (Int, String) {
        let (status, data) = try direct.call("s3", "GET", "/\(bucket)/\(key)")
        return (status, String(decoding: data, as: UTF8.self))
    }

    @Test func openCreatesMissingBucket() throws {
        let store = try openOrThrow()
        defer { store.close() }

        #expect(try direct.call("s3", "HEAD", "/\(bucket)").0 == 200)
        #expect(store.logLines.contains { $0.message == "Created S3 bucket \(bucket) in region us-east-1" })
    }

    @Test func openCreatesBucketInConfiguredRegion() throws {
        let (opened, result) = open(region: "eu-west-1")
        let store = try #require(opened, "\(result)")
        defer { store.close() }

        let (status, data) = try direct.call("s3", "GET", "/\(bucket)", query: "location=")
        #expect(status == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("eu-west-1"))
        #expect(store.logLines.contains { $0.message == "Created S3 bucket \(bucket) in region eu-west-1" })
    }

    @Test func openUsesExistingBucket() throws {
        try direct.call("s3", "PUT", "/\(bucket)")
        try putObject("kept.json", #"{"taskCount":1}"#)

        let store = try openOrThrow()
        defer { store.close() }
        #expect(!store.logLines.contains { $0.message.hasPrefix("Created") })
        #expect(try store.loadAllObjects().keys.sorted() == ["kept"])
    }

    @Test func createGetUpdateDelete() throws {
        let store = try openOrThrow(prefix: "jobs")
        defer { store.close() }
        let original = #"{"schedule":"* */5","taskDefinition":"sleeper-task"}"#
        let changed = #"{"schedule":"9 */5","taskDefinition":"sleeper-task"}"#

        #expect(store.create("sleeper-task", original).status == ECSS_OK)
        #expect(try object("jobs/sleeper-task.json") == (200, original))
        #expect(store.get("sleeper-task").json == original)

        #expect(store.update("sleeper-task", changed).status == ECSS_OK)
        #expect(try object("jobs/sleeper-task.json") == (200, changed))

        #expect(store.delete("sleeper-task").status == ECSS_OK)
        #expect(try object("jobs/sleeper-task.json").0 == 404)
        let missing = store.get("sleeper-task")
        #expect(missing.result.status == ECSS_NOT_FOUND)
        #expect(missing.result.message == "Job sleeper-task does not exist.")
        let deleteAgain = store.delete("sleeper-task")
        #expect(deleteAgain.status == ECSS_NOT_FOUND)
        #expect(deleteAgain.message == "Job sleeper-task does not exist.")
    }

    @Test func createConflictsOnExistingID() throws {
        let store = try openOrThrow()
        defer { store.close() }

        #expect(store.create("job-1", #"{"taskCount":1}"#).status == ECSS_OK)
        let second = store.create("job-1", #"{"taskCount":2}"#)
        #expect(second.status == ECSS_CONFLICT)
        #expect(second.message == "Job job-1 already exists.")
        #expect(store.get("job-1").json == #"{"taskCount":1}"#)
    }

    @Test func createConflictsWithObjectOfAnotherDaemon() throws {
        let store = try openOrThrow(prefix: "jobs/")
        defer { store.close() }
        try putObject("jobs/shared.json", #"{"taskCount":7}"#)

        #expect(store.create("shared", #"{"taskCount":1}"#).status == ECSS_CONFLICT)
        #expect(try object("jobs/shared.json").1 == #"{"taskCount":7}"#)
    }

    @Test func loadAllReadsEveryPage() throws {
        let store = try openOrThrow(prefix: "paged", pageSize: 40)
        defer { store.close() }
        let ids = (0..<250).map { String(format: "job-%03d", $0) }
        DispatchQueue.concurrentPerform(iterations: 10) { worker in
            for id in ids[(worker * 25)..<(worker * 25 + 25)] {
                precondition(store.create(id, "{\"id-copy\":\"\(id)\"}").status == ECSS_OK, "create \(id)")
            }
        }

        let jobs = try store.loadAllObjects()
        #expect(jobs.count == 250)
        #expect(jobs.keys.sorted() == ids)
        #expect(jobs.allSatisfy { $0.value["id-copy"] as? String == $0.key })
    }

    @Test(arguments: ["jobs", "jobs/", "jobs//"])
    func loadAllReadsOnlyThePrefixLevel(prefix: String) throws {
        try direct.call("s3", "PUT", "/\(bucket)")
        try putObject("jobs/a.json", #"{"taskCount":1}"#)
        try putObject("jobs/b.json", #"{"taskCount":2}"#)
        try putObject("jobs/deeper/c.json", "{}")
        try putObject("jobs/readme.txt", "{}")
        try putObject("jobs/.json", "{}")
        try putObject("jobsx/d.json", "{}")
        try putObject("other/e.json", "{}")
        try putObject("f.json", "{}")

        let store = try openOrThrow(prefix: prefix)
        defer { store.close() }
        #expect(try store.loadAllObjects().keys.sorted() == ["a", "b"])
        #expect(store.create("g", "{}").status == ECSS_OK)
        #expect(try object("jobs/g.json").0 == 200)
    }

    @Test func noPrefixUsesBucketRoot() throws {
        try direct.call("s3", "PUT", "/\(bucket)")
        try putObject("root.json", "{}")
        try putObject("jobs/nested.json", "{}")

        let store = try openOrThrow()
        defer { store.close() }
        #expect(try store.loadAllObjects().keys.sorted() == ["root"])
        #expect(store.create("new", "{}").status == ECSS_OK)
        #expect(try object("new.json").0 == 200)
    }

    @Test func oddIDsRoundTrip() throws {
        let store = try openOrThrow(prefix: "odd dir")
        defer { store.close() }
        let ids = ["with space", "plus+sign", "100%", "it's", "ümlaut-ジョブ", "a&b=c", "question?", "hash#tag"]

        for id in ids {
            let result = store.create(id, "{\"name\":\"\(id)\"}")
            #expect(result.status == ECSS_OK, "create \(id): \(result)")
            #expect(store.get(id).json == "{\"name\":\"\(id)\"}", "get \(id)")
        }
        #expect(try store.loadAllObjects().keys.sorted() == ids.sorted())
        for id in ids {
            #expect(store.delete(id).status == ECSS_OK, "delete \(id)")
        }
        #expect(try store.loadAllObjects().isEmpty)
    }

    @Test func idWithSlashIsRejected() throws {
        let store = try openOrThrow()
        defer { store.close() }

        let result = store.create("a/b", "{}")
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("a/b") == true)
    }

    @Test func loadAllSkipsObjectsThatAreNotJSON() throws {
        try direct.call("s3", "PUT", "/\(bucket)")
        try putObject("jobs/broken.json", #"{"taskCount": "#)
        try putObject("jobs/not-a-job.json", "[1, 2]")
        try putObject("jobs/good.json", "{}")

        let store = try openOrThrow(prefix: "jobs")
        defer { store.close() }
        let (jobs, result) = store.loadAll()
        #expect(result.status == ECSS_OK)
        #expect(jobs.map(\.id).sorted() == ["good", "not-a-job"])
        let skipped = store.logLines.filter { $0.jobID == "broken" }
        #expect(skipped.count == 1)
        #expect(skipped.first?.message.contains("not JSON") == true)
    }

    @Test func missingBucketSettingIsInvalid() {
        let (store, result) = plugin.open(settings: #"{"prefix": "jobs"}"#, hostSettings: ["test.aws_endpoint": moto.endpoint])
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("ECSS_S3_BUCKET") == true)
    }

    @Test(arguments: ["UpperCase", "ab", "-leading", "under_score"])
    func invalidBucketNameIsInvalid(name: String) {
        let (store, result) = plugin.open(settings: "{\"bucket\": \"\(name)\"}", hostSettings: ["test.aws_endpoint": moto.endpoint])
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains(name) == true)
    }
}
