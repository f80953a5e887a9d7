import Foundation
import PluginABI
import Testing
import TestSupport

/// The DynamoDB store plugin against moto's server.
@Suite(.motoServer) struct DynamoDBStoreTests {
    let plugin: StorePluginLibrary
    let moto: MotoServer
    let direct: MotoClient
    /// A table of this test alone, so tests can share one moto server.
    let table = "jobs-\(UUID().uuidString.prefix(8))"

    init() throws {
        plugin = try StorePluginLibrary(name: "ecss-store-dynamodb")
        moto = try #require(Emulators.moto)
        direct = MotoClient(endpoint: moto.endpoint)
    }

    private func open(pageSize: Int? = nil) -> (OpenedStore?, HookResult) {
        var settings: [String: Any] = ["table": table]
        settings["page_size"] = pageSize
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        return plugin.open(settings: json, hostSettings: ["aws.region": "us-east-1", "test.aws_endpoint": moto.endpoint])
    }

    private func openOrThrow(pageSize: Int? = nil) throws -> OpenedStore {
        let (store, result) = open(pageSize: pageSize)
        guard let store else { throw TestSupportError("on_open failed: \(result)") }
        return store
    }

    private func createTableDirectly(keyName: String = "job-id") throws {
        let (status, _) = try direct.dynamoDB("CreateTable", [
            "TableName": table,
            "AttributeDefinitions": [["AttributeName": keyName, "AttributeType": "S"]],
            "KeySchema": [["AttributeName": keyName, "KeyType": "HASH"]],
            "BillingMode": "PAY_PER_REQUEST",
        ])
        #expect(status == 200)
    }

    private func putItemDirectly(_ item: [String: Any]) throws {
        let (status, _) = try direct.dynamoDB("PutItem", ["TableName": table, "Item": item])
        #expect(status == 200)
    }

    private func storedItem(_ id: String) throws -> [String: Any]? {
        let (_, response) = try direct.dynamoDB("GetItem", ["TableName": table, "Key": ["job-id": ["S": id]]])
        return response["Item"] as? [String: Any]
    }

    @Test func openCreatesMissingTable() throws {
        let store = try openOrThrow()
        defer { store.close() }

        let (status, response) = try direct.dynamoDB("DescribeTable", ["TableName": table])
        #expect(status == 200)
        let description = try #require(response["Table"] as? [String: Any])
        #expect(description["TableStatus"] as? String == "ACTIVE")
        let keySchema = description["KeySchema"] as? [[String: String]]
        #expect(keySchema == [["AttributeName": "job-id", "KeyType": "HASH"]])
        let billing = description["BillingModeSummary"] as? [String: Any]
        #expect(billing?["BillingMode"] as? String == "PAY_PER_REQUEST")
        #expect(store.logLines.contains { $0.message.hasPrefix("Created DynamoDB table \(table)") })
    }

    @Test func openUsesExistingTable() throws {
        try createTableDirectly()
        try putItemDirectly(["job-id": ["S": "kept"], "json-data": ["S": #"{"taskCount": 1}"#]])

        let store = try openOrThrow()
        defer { store.close() }
        #expect(!store.logLines.contains { $0.message.hasPrefix("Created") })
        #expect(try store.loadAllObjects().keys.sorted() == ["kept"])
    }

    @Test func openRejectsTableWithOtherKey() throws {
        try createTableDirectly(keyName: "id")

        let (store, result) = open()
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("job-id") == true)
    }

    @Test func createGetUpdateDelete() throws {
        let store = try openOrThrow()
        defer { store.close() }
        let original = #"{"schedule":"* */5","taskDefinition":"sleeper-task"}"#
        let changed = #"{"schedule":"9 */5","taskDefinition":"sleeper-task"}"#

        #expect(store.create("sleeper-task", original).status == ECSS_OK)
        let item = try #require(try storedItem("sleeper-task"))
        #expect(item["job-id"] as? [String: String] == ["S": "sleeper-task"])
        #expect(item["json-data"] as? [String: String] == ["S": original])
        #expect(item.count == 2)
        #expect(store.get("sleeper-task").json == original)

        #expect(store.update("sleeper-task", changed).status == ECSS_OK)
        #expect(try storedItem("sleeper-task")?["json-data"] as? [String: String] == ["S": changed])

        #expect(store.delete("sleeper-task").status == ECSS_OK)
        #expect(try storedItem("sleeper-task") == nil)
        let missing = store.get("sleeper-task")
        #expect(missing.result.status == ECSS_NOT_FOUND)
        #expect(missing.result.message == "Job sleeper-task does not exist.")
    }

    @Test func updateAndDeleteOfMissingJob() throws {
        let store = try openOrThrow()
        defer { store.close() }

        let update = store.update("ghost", "{}")
        #expect(update.status == ECSS_NOT_FOUND)
        #expect(update.message == "Job ghost does not exist.")
        #expect(try storedItem("ghost") == nil)
        #expect(store.delete("ghost").status == ECSS_NOT_FOUND)
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

    @Test func createConflictsWithItemOfAnotherDaemon() throws {
        let store = try openOrThrow()
        defer { store.close() }
        try putItemDirectly(["job-id": ["S": "shared"], "json-data": ["S": #"{"taskCount": 7}"#]])

        #expect(store.create("shared", #"{"taskCount":1}"#).status == ECSS_CONFLICT)
        #expect(try storedItem("shared")?["json-data"] as? [String: String] == ["S": #"{"taskCount": 7}"#])
    }

    @Test func loadAllReadsEveryPage() throws {
        let store = try openOrThrow(pageSize: 40)
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

    @Test func oddIDsRoundTrip() throws {
        let store = try openOrThrow()
        defer { store.close() }
        let ids = ["with space", "quote\"d", "100%", "ümlaut-ジョブ", "a/b", "#hash", ":colon"]

        for id in ids {
            #expect(store.create(id, "{}").status == ECSS_OK, "create \(id)")
            #expect(store.get(id).json == "{}", "get \(id)")
        }
        #expect(try store.loadAllObjects().keys.sorted() == ids.sorted())
    }

    @Test func loadAllSkipsItemsThatAreNotJobs() throws {
        try createTableDirectly()
        try putItemDirectly(["job-id": ["S": "broken"], "json-data": ["S": #"{"taskCount": "#]])
        try putItemDirectly(["job-id": ["S": "no-data"]])
        try putItemDirectly(["job-id": ["S": "number-data"], "json-data": ["N": "5"]])
        try putItemDirectly(["job-id": ["S": "not-a-job"], "json-data": ["S": "[1, 2]"]])
        try putItemDirectly(["job-id": ["S": "good"], "json-data": ["S": "{}"]])

        let store = try openOrThrow()
        defer { store.close() }
        let (jobs, result) = store.loadAll()
        #expect(result.status == ECSS_OK)
        #expect(jobs.map(\.id).sorted() == ["good", "not-a-job"])
        for id in ["broken", "no-data", "number-data"] {
            let lines = store.logLines.filter { $0.jobID == id }
            #expect(lines.count == 1, "log lines for \(id)")
            #expect(lines.first?.level == Int32(ECSS_LOG_ERROR.rawValue), "level for \(id)")
        }
    }

    @Test func missingTableSettingIsInvalid() {
        let (store, result) = plugin.open(settings: "{}", hostSettings: ["test.aws_endpoint": moto.endpoint])
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("ECSS_DYNAMODB_TABLE") == true)
    }

    @Test(arguments: ["ab", "has space", "slash/name"])
    func invalidTableNameIsInvalid(name: String) {
        let (store, result) = plugin.open(settings: "{\"table\": \"\(name)\"}", hostSettings: ["test.aws_endpoint": moto.endpoint])
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains(name) == true)
    }
}
