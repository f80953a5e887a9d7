import AWSClient
import Foundation
import JobModel
import PluginABI
@testable import PluginHost
import Synchronization
import Testing
import TestSupport

/// Runs a suite with one moto server, started before its first test and stopped after its
/// last. Each test uses queues of its own.
struct MotoScope: SuiteTrait, TestScoping {
    @TaskLocal static var server: MotoServer?

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let server = try startMotoWithSignalsUnblocked()
        defer { server.stop() }
        try await Self.$server.withValue(server) {
            try await function()
        }
    }

    /// Starts moto from a new thread whose signal mask is empty.
    ///
    /// Moto inherits the signal mask of the thread that spawns it, and the threads Swift
    /// concurrency runs tests on block SIGTERM. Spawned from such a thread, moto would never
    /// see the SIGTERM of `MotoServer.stop()`, which would then wait forever.
    private func startMotoWithSignalsUnblocked() throws -> MotoServer {
        let started = Mutex<Result<MotoServer, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            let result = Result { try MotoServer() }
            started.withLock { $0 = result }
            done.signal()
        }.start()
        done.wait()
        return try started.withLock { $0! }.get()
    }
}

extension Trait where Self == MotoScope {
    /// One moto server for the whole suite.
    static var motoServer: Self { MotoScope() }
}

/// An empty home folder, so that the AWS client reads no shared file of the machine's user.
private let emptyHome = (try? PackagePaths.temporaryDirectory("aws-home").path) ?? "/nonexistent"

/// The sqs trigger end to end: the built plugin, the daemon's AWS client and SQS in moto.
@Suite("SQS trigger against moto", .motoServer)
struct SQSTriggerMotoTests {
    let client: AWSClient
    let service: PluginTriggerService

    init() throws {
        let moto = try #require(MotoScope.server)
        var environment = moto.clientEnvironment
        environment["HOME"] = emptyHome
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        client = try AWSClient(environment: environment)
        let host = firstPartyHost(network: AWSNetworkServices(client: client), settings: ["aws.region": client.region])
        service = PluginTriggerService(host: host)
    }

    /// Creates a queue with a unique name holding `messages` messages and returns its name.
    func makeQueue(messages: Int) throws -> String {
        let name = "jobs-\(UUID().uuidString.prefix(8))"
        let created = try client.jsonCall(service: "sqs", targetPrefix: "AmazonSQS", operation: "CreateQueue",
                                          version: "1.0", body: ["QueueName": name])
        let url = try #require(created["QueueUrl"] as? String)
        var sent = 0
        while sent < messages {
            let batch = min(10, messages - sent)
            let entries = (0..<batch).map { ["Id": "m\($0)", "MessageBody": "message \(sent + $0)"] }
            _ = try client.jsonCall(service: "sqs", targetPrefix: "AmazonSQS", operation: "SendMessageBatch",
                                    version: "1.0", body: ["QueueUrl": url, "Entries": entries])
            sent += batch
        }
        return name
    }

    /// Validates an sqs trigger on `queue` and evaluates it for a job with the given counts.
    func count(queue: String, messagesPerTask: Int? = nil, taskCount: Int = 1, maxCount: Int? = nil,
               extra: [String: JSONValue] = [:]) throws -> Int {
        var trigger: [String: JSONValue] = ["type": "sqs", "queueName": .string(queue)]
        trigger["messagesPerTask"] = messagesPerTask.map { .number(Double($0)) }
        trigger.merge(extra) { _, new in new }
        try service.validate(trigger: trigger)
        return try service.desiredCount(for: triggeredJob("consumer", trigger: trigger, taskCount: taskCount,
                                                          maxCount: maxCount))
    }

    @Test("empty queue starts nothing")
    func emptyQueue() throws {
        let queue = try makeQueue(messages: 0)
        #expect(try count(queue: queue, messagesPerTask: 100) == 0)
        #expect(try count(queue: queue) == 0)
    }

    @Test("250 messages at 100 per task give 3")
    func messagesPerTask() throws {
        let queue = try makeQueue(messages: 250)
        #expect(try count(queue: queue, messagesPerTask: 100) == 3)
    }

    @Test("maxCount caps the count")
    func maxCountCaps() throws {
        let queue = try makeQueue(messages: 250)
        #expect(try count(queue: queue, messagesPerTask: 100, maxCount: 2) == 2)
        #expect(try count(queue: queue, messagesPerTask: 1) == 50)
    }

    @Test("taskCount without messagesPerTask")
    func taskCountOnly() throws {
        let queue = try makeQueue(messages: 3)
        #expect(try count(queue: queue, taskCount: 4) == 4)
        #expect(try count(queue: queue, taskCount: 4, maxCount: 3) == 3)
    }

    @Test("owner account and region reach SQS")
    func ownerAccount() throws {
        let queue = try makeQueue(messages: 20)
        let extra: [String: JSONValue] = ["accountId": "123456789012", "region": .string(client.region)]
        #expect(try count(queue: queue, messagesPerTask: 10, extra: extra) == 2)
    }

    @Test("missing queue fails the fire")
    func missingQueue() throws {
        do {
            _ = try count(queue: "never-created")
            Issue.record("a missing queue gave a count")
        } catch let error as TriggerError {
            #expect(error.message.contains("sqs trigger found no queue never-created; create it or correct queueName"))
            #expect(error.message.contains("QueueDoesNotExist"))
        }
    }

    /// Sends a plain GET through host_http_request with the daemon's network services.
    func httpGet(_ url: String) -> (status: ecss_status, responseStatus: Int32, body: String, error: String?) {
        let api = HostAPI.table.pointee
        let handle = PluginHandle(typeName: "test", settings: [:], network: AWSNetworkServices(client: client))
            .retainedPointer()
        var request = ecss_http_request()
        request.struct_size = UInt32(MemoryLayout<ecss_http_request>.size)
        request.timeout_ms = 5000
        request.verify_tls = true
        var response = ecss_http_response()
        response.struct_size = UInt32(MemoryLayout<ecss_http_response>.size)
        var errorText: UnsafeMutablePointer<CChar>?
        let status = "GET".withCString { method in
            url.withCString { urlText in
                request.method = method
                request.url = urlText
                return api.host_http_request(handle, &request, &response, &errorText)
            }
        }
        defer {
            api.host_response_free(&response)
            api.host_free(errorText)
        }
        let body = response.body.map { String(decoding: UnsafeBufferPointer(start: $0, count: response.body_length), as: UTF8.self) }
        return (status, response.status, body ?? "", errorText.map { String(cString: $0) })
    }

    @Test("plain HTTP goes through the HTTP client")
    func plainHTTP() throws {
        let moto = try #require(MotoScope.server)

        let reached = httpGet("\(moto.endpoint)/moto-api/data.json")
        #expect(reached.status == ECSS_OK)
        #expect(reached.responseStatus == 200)
        #expect(reached.body.hasPrefix("{"))

        let missing = httpGet("\(moto.endpoint)/moto-api/no-such-page")
        #expect(missing.status == ECSS_OK)
        #expect(missing.responseStatus == 404)

        let refused = httpGet("http://127.0.0.1:\(freeLoopbackPort())/")
        #expect(refused.status == ECSS_RETRY)
        #expect(refused.responseStatus == 0)
        #expect(refused.error != nil)

        let malformed = httpGet("ftp://127.0.0.1/file")
        #expect(malformed.status == ECSS_INVALID)
    }

    @Test("validation messages")
    func validation() throws {
        let cases: [([String: JSONValue], String)] = [
            (["type": "sqs"], "sqs trigger requires queueName"),
            (["type": "sqs", "queueName": "jobs", "messagesPerTask": 0],
             "sqs trigger messagesPerTask must be an integer of at least 1, not 0"),
            (["type": "sqs", "queueName": "jobs", "messagePerTask": 10],
             #"sqs trigger has unknown member "messagePerTask"; allowed members: type, queueName, messagesPerTask, queueUrl, accountId, region"#),
        ]
        for (trigger, expected) in cases {
            #expect(triggerErrorMessage { () throws(TriggerError) in try service.validate(trigger: trigger) } == expected)
        }
    }
}
