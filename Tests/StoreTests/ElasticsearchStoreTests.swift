import Foundation
import PluginABI
import Testing
import TestSupport

/// The Elasticsearch store plugin against the Elasticsearch emulator.
@Suite(.elasticsearchEmulator) struct ElasticsearchStoreTests {
    let plugin: StorePluginLibrary
    let emulator: ElasticsearchEmulator
    /// An index name of this test alone, so tests can share one emulator.
    let index = "jobs-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        plugin = try StorePluginLibrary(name: "ecss-store-elasticsearch")
        emulator = try #require(Emulators.elasticsearch)
    }

    private func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    private func open(_ settings: [String: Any]) -> (OpenedStore?, HookResult) {
        plugin.open(settings: json(settings))
    }

    /// Opens with the settings the environment variables give: index and host URLs.
    private func openOrThrow(hosts: [String]? = nil, pageSize: Int? = nil) throws -> OpenedStore {
        var settings: [String: Any] = ["index": index, "hosts": hosts ?? [emulator.url + "/"]]
        settings["page_size"] = pageSize
        let (store, result) = open(settings)
        guard let store else { throw TestSupportError("on_open failed: \(result)") }
        return store
    }

    private func storedSource(_ id: String) throws -> [String: Any]? {
        let (status, body) = try emulator.call("GET", "/\(index)/_doc/\(percentEncodedForTest(id))")
        return status == 200 ? body["_source"] as? [String: Any] : nil
    }

    @Test func openCreatesDatedIndexWithAlias() throws {
        let store = try openOrThrow()
        defer { store.close() }

        let (status, aliases) = try emulator.call("GET", "/_alias/\(index)")
        #expect(status == 200)
        #expect(aliases.count == 1)
        let concrete = try #require(aliases.keys.first)
        #expect(concrete.range(of: "^\(index)-[0-9]{8}-[0-9]{6}$", options: .regularExpression) != nil)
        #expect(store.logLines.contains { $0.message == "Created Elasticsearch index \(concrete) with alias \(index)" })
    }

    @Test func openUsesExistingIndex() throws {
        try emulator.call("PUT", "/\(index)", [:])
        try emulator.call("PUT", "/\(index)/_doc/kept?refresh=true", ["taskCount": 1])

        let store = try openOrThrow()
        defer { store.close() }
        #expect(!store.logLines.contains { $0.message.hasPrefix("Created") })
        #expect(try emulator.call("GET", "/_alias/\(index)").0 == 404)
        #expect(try store.loadAllObjects().keys.sorted() == ["kept"])
    }

    @Test func createGetUpdateDelete() throws {
        let store = try openOrThrow()
        defer { store.close() }

        #expect(store.create("sleeper-task", #"{"schedule":"* */5","taskCount":1}"#).status == ECSS_OK)
        #expect(try storedSource("sleeper-task")?["schedule"] as? String == "* */5")
        let read = try #require(store.get("sleeper-task").json.flatMap(JSONTestObject.init))
        #expect(read.object["schedule"] as? String == "* */5")
        #expect(read.object["taskCount"] as? Int == 1)

        #expect(store.update("sleeper-task", #"{"schedule":"9 */5","taskCount":3}"#).status == ECSS_OK)
        #expect(try storedSource("sleeper-task")?["taskCount"] as? Int == 3)

        #expect(store.delete("sleeper-task").status == ECSS_OK)
        #expect(try storedSource("sleeper-task") == nil)
        let missing = store.get("sleeper-task")
        #expect(missing.result.status == ECSS_NOT_FOUND)
        #expect(missing.result.message == "Job sleeper-task does not exist.")
        let deleteAgain = store.delete("sleeper-task")
        #expect(deleteAgain.status == ECSS_NOT_FOUND)
        #expect(deleteAgain.message == "Job sleeper-task does not exist.")
    }

    @Test func writesWaitForRefresh() throws {
        let store = try openOrThrow()
        defer { store.close() }

        #expect(store.create("a", "{}").status == ECSS_OK)
        #expect(store.create("b", "{}").status == ECSS_OK)
        #expect(store.update("a", #"{"taskCount":2}"#).status == ECSS_OK)
        #expect(store.delete("b").status == ECSS_OK)

        let writes = emulator.requests.filter { $0.contains("/\(index)/_create/") || $0.contains("/\(index)/_doc/") }
        #expect(writes.count == 4)
        #expect(writes.allSatisfy { $0.hasSuffix("?refresh=wait_for") })
        #expect(try store.loadAllObjects().mapValues { $0["taskCount"] as? Int } == ["a": 2])
    }

    @Test func createConflictsOnExistingID() throws {
        let store = try openOrThrow()
        defer { store.close() }

        #expect(store.create("job-1", #"{"taskCount":1}"#).status == ECSS_OK)
        let second = store.create("job-1", #"{"taskCount":2}"#)
        #expect(second.status == ECSS_CONFLICT)
        #expect(second.message == "Job job-1 already exists.")
        #expect(try storedSource("job-1")?["taskCount"] as? Int == 1)
    }

    @Test func createConflictsWithDocumentOfAnotherDaemon() throws {
        let store = try openOrThrow()
        defer { store.close() }
        try emulator.call("PUT", "/\(index)/_doc/shared", ["taskCount": 7])

        #expect(store.create("shared", #"{"taskCount":1}"#).status == ECSS_CONFLICT)
        #expect(try storedSource("shared")?["taskCount"] as? Int == 7)
    }

    @Test func loadAllPagesThroughPointInTime() throws {
        // An emulator of its own, so that the request log contains this test's searches only.
        let emulator = try ElasticsearchEmulator()
        defer { emulator.stop() }
        let store = try openOrThrow(hosts: [emulator.url], pageSize: 40)
        defer { store.close() }
        let ids = (0..<250).map { String(format: "job-%03d", $0) }
        DispatchQueue.concurrentPerform(iterations: 10) { worker in
            for id in ids[(worker * 25)..<(worker * 25 + 25)] {
                precondition(store.create(id, "{\"idCopy\":\"\(id)\"}").status == ECSS_OK, "create \(id)")
            }
        }

        let jobs = try store.loadAllObjects()
        #expect(jobs.count == 250)
        #expect(jobs.keys.sorted() == ids)
        #expect(jobs.allSatisfy { $0.value["idCopy"] as? String == $0.key })
        let requests = emulator.requests
        #expect(requests.filter { $0 == "POST /_search" }.count == 7)
        #expect(requests.filter { $0.hasPrefix("POST /\(index)/_pit?keep_alive=") }.count == 1)
        #expect(requests.filter { $0 == "DELETE /_pit" }.count == 1)
    }

    @Test func oddIDsRoundTrip() throws {
        let store = try openOrThrow()
        defer { store.close() }
        let ids = ["with space", "plus+sign", "100%", "a/b", "question?", "hash#tag", "ümlaut-ジョブ", "a&b=c"]

        for id in ids {
            let result = store.create(id, "{\"name\":\"\(id)\"}")
            #expect(result.status == ECSS_OK, "create \(id): \(result)")
            #expect(try storedSource(id)?["name"] as? String == id, "stored \(id)")
        }
        #expect(try store.loadAllObjects().keys.sorted() == ids.sorted())
        for id in ids {
            #expect(store.delete(id).status == ECSS_OK, "delete \(id)")
        }
    }

    @Test func failsOverToNextHost() throws {
        let deadNode = "http://127.0.0.1:\(freeLoopbackPort())"
        let store = try openOrThrow(hosts: [deadNode, emulator.url])
        defer { store.close() }

        for index in 0..<4 {
            #expect(store.create("job-\(index)", "{}").status == ECSS_OK, "create job-\(index)")
        }
        #expect(try store.loadAllObjects().count == 4)
        let failoverLines = store.logLines.filter { $0.message.contains(deadNode) && $0.message.contains("trying the next node") }
        #expect(!failoverLines.isEmpty)
        #expect(failoverLines.allSatisfy { $0.level == Int32(ECSS_LOG_WARNING.rawValue) })
    }

    @Test func unreachableHostsFailOpen() throws {
        let deadNodes = (0..<2).map { _ in "http://127.0.0.1:\(freeLoopbackPort())" }
        let (store, result) = open(["index": index, "client": ["hosts": deadNodes, "max_retries": 1]])
        #expect(store == nil)
        #expect(result.status == ECSS_RETRY)
        #expect(result.message?.contains("every attempt (2)") == true)
    }

    @Test func configurationFileSettings() throws {
        let settings: [String: Any] = [
            "index": index,
            "client": [
                "hosts": [["host": "127.0.0.1", "port": emulator.port, "unknown_host_key": 1]],
                "timeout": 60,
                "retry_on_timeout": true,
                "max_retries": 10,
                "sniff_on_start": true,
                "sniffer_timeout": 30,
            ],
        ]
        let (opened, result) = open(settings)
        let store = try #require(opened, "\(result)")
        defer { store.close() }

        #expect(store.create("from-yaml", "{}").status == ECSS_OK)
        let warnings = store.logLines.filter { $0.level == Int32(ECSS_LOG_WARNING.rawValue) }.map(\.message)
        for name in ["client.sniff_on_start", "client.sniffer_timeout", "client.hosts[].unknown_host_key"] {
            #expect(warnings.contains("Elasticsearch setting \(name) is not supported by this store and is ignored"), "\(name)")
        }
        #expect(!warnings.contains { $0.contains("client.timeout") || $0.contains("client.max_retries") })
    }

    @Test(arguments: [
        ("index", "UpperCase", "UpperCase"),
        ("index", "_leading", "_leading"),
        ("hosts", "", "ECSS_ELASTICSEARCH_HOSTS"),
        ("hosts", "ftp://node:21", "ftp://node:21"),
    ])
    func invalidSettingsAreRejected(key: String, value: String, named: String) {
        var settings: [String: Any] = ["index": index, "hosts": [emulator.url]]
        if key == "hosts" {
            settings[key] = value.isEmpty ? [] : [value]
        } else {
            settings[key] = value
        }
        let (store, result) = open(settings)
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains(named) == true, "\(result)")
    }

    @Test func commaSeparatedHostsAreRead() throws {
        let deadNode = "http://127.0.0.1:\(freeLoopbackPort())/"
        let (opened, result) = plugin.open(settings: json(["index": index, "hosts": "\(deadNode), \(emulator.url)/"]))
        let store = try #require(opened, "\(result)")
        defer { store.close() }
        #expect(store.create("job", "{}").status == ECSS_OK)
    }
}

/// The Elasticsearch store against emulators that require credentials.
@Suite struct ElasticsearchAuthenticationTests {
    let plugin: StorePluginLibrary

    init() throws {
        plugin = try StorePluginLibrary(name: "ecss-store-elasticsearch")
    }

    private func open(_ emulator: ElasticsearchEmulator, client: [String: Any]) -> (OpenedStore?, HookResult) {
        var client = client
        client["hosts"] = [emulator.url]
        let data = try! JSONSerialization.data(withJSONObject: ["index": "jobs", "client": client])
        return plugin.open(settings: String(decoding: data, as: UTF8.self))
    }

    @Test func basicAuthentication() throws {
        let emulator = try ElasticsearchEmulator(arguments: ["--basic-auth", "scheduler:s3cret"])
        defer { emulator.stop() }

        for client: [String: Any] in [["http_auth": ["scheduler", "s3cret"]], ["basic_auth": "scheduler:s3cret"]] {
            let (opened, result) = open(emulator, client: client)
            let store = try #require(opened, "\(result)")
            #expect(store.create("job-\(client.keys.first!)", "{}").status == ECSS_OK)
            store.close()
        }

        let (store, result) = open(emulator, client: ["basic_auth": ["scheduler", "wrong"]])
        #expect(store == nil)
        #expect(result.status == ECSS_ERROR)
        #expect(result.message?.contains("HTTP 401") == true)
        #expect(result.message?.contains("s3cret") == false)
    }

    @Test func apiKeyAuthentication() throws {
        let emulator = try ElasticsearchEmulator(arguments: ["--api-key", "key-id:key-secret"])
        defer { emulator.stop() }
        let encoded = Data("key-id:key-secret".utf8).base64EncodedString()

        for client: [String: Any] in [["api_key": ["key-id", "key-secret"]], ["api_key": encoded]] {
            let (opened, result) = open(emulator, client: client)
            let store = try #require(opened, "\(result)")
            #expect(try store.loadAllObjects().count >= 0)
            store.close()
        }

        let (store, result) = open(emulator, client: [:])
        #expect(store == nil)
        #expect(result.message?.contains("HTTP 401") == true)
    }

    @Test func twoCredentialsAreInvalid() throws {
        let (store, result) = plugin.open(settings: #"{"index": "jobs", "client": {"hosts": ["http://127.0.0.1:9"], "api_key": "a", "basic_auth": "b:c"}}"#)
        #expect(store == nil)
        #expect(result.status == ECSS_INVALID)
        #expect(result.message?.contains("set only one") == true)
    }
}

/// A job JSON text parsed for checks.
struct JSONTestObject {
    let object: [String: Any]

    init?(_ text: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return nil }
        self.object = object
    }
}

/// Percent-encodes a document id for a request path in a test.
func percentEncodedForTest(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
}
