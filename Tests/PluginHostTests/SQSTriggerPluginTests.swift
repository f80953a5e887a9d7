import AWSClient
import Foundation
import JobModel
import PluginHost
import Synchronization
import Testing
import TestSupport

/// An SQS endpoint in memory, speaking the JSON protocol's GetQueueUrl and GetQueueAttributes.
final class FakeSQS: HostNetworkServices {
    /// Message counts by queue name.
    let queues: Mutex<[String: Int]>
    let requests = Mutex<[AWSRequest]>([])

    init(queues: [String: Int]) {
        self.queues = Mutex(queues)
    }

    func sendAWS(_ request: AWSRequest) throws(AWSError) -> AWSResponse {
        requests.withLock { $0.append(request) }
        let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        switch request.headers["X-Amz-Target"] {
        case "AmazonSQS.GetQueueUrl":
            let name = body["QueueName"] as? String ?? ""
            guard queues.withLock({ $0[name] }) != nil else {
                throw AWSError(kind: .service, service: "sqs", operation: request.operation, status: 400,
                               code: "QueueDoesNotExist", message: "The specified queue does not exist.",
                               requestID: "req-missing", response: AWSResponse(status: 400))
            }
            let account = body["QueueOwnerAWSAccountId"] as? String ?? "123456789012"
            return reply(["QueueUrl": "http://sqs.test/\(account)/\(name)"])
        case "AmazonSQS.GetQueueAttributes":
            let name = (body["QueueUrl"] as? String ?? "").split(separator: "/").last.map(String.init) ?? ""
            guard let count = queues.withLock({ $0[name] }) else {
                throw AWSError(kind: .service, service: "sqs", operation: request.operation, status: 400,
                               code: "QueueDoesNotExist", message: "The specified queue does not exist.")
            }
            return reply(["Attributes": ["ApproximateNumberOfMessages": String(count)]])
        default:
            throw AWSError(kind: .service, service: "sqs", operation: request.operation, status: 400,
                           code: "InvalidAction", message: "unexpected request")
        }
    }

    func sendHTTP(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        throw HTTPClientError(.connectionFailed, "the SQS trigger sends no plain HTTP")
    }

    func targets() -> [String] {
        requests.withLock { $0.compactMap { $0.headers["X-Amz-Target"] } }
    }

    private func reply(_ object: [String: Any]) -> AWSResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return AWSResponse(status: 200, headers: ["x-amzn-requestid": "req-1"], body: body, requestID: "req-1")
    }
}

/// Creates a plugin host over the first-party plugins of the build folder (`libecss-*.so`),
/// as the daemon loads them.
func firstPartyHost(network: any HostNetworkServices, settings: [String: String] = [:]) -> PluginHost {
    let searchPath = PluginSearchPath(folders: [.init(path: PackagePaths.buildDirectory.path, firstPartyOnly: true)])
    return PluginHost(searchPath: searchPath, settings: settings, network: network)
}

/// Returns the message of the `TriggerError` that `body` throws, or nil.
func triggerErrorMessage(_ body: () throws(TriggerError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.message
    }
}

@Suite("SQS trigger plugin")
struct SQSTriggerPluginTests {
    @Test("plugin loads from the build folder")
    func loads() throws {
        let host = firstPartyHost(network: FakeSQS(queues: [:]))

        let info = try #require(host.plugins.first { $0.typeName == "sqs" })
        #expect(info.kind == .trigger)
        #expect(info.version == "1.0.0")
        #expect(info.path.hasSuffix("/libecss-trigger-sqs.so"))
        #expect(!host.rejections.contains { $0.path.hasSuffix("/libecss-trigger-sqs.so") })
    }

    @Test("validation messages name the member", arguments: [
        (#"{"type": "sqs"}"#, "sqs trigger requires queueName"),
        (#"{"type": "sqs", "queueName": null}"#, "sqs trigger requires queueName"),
        (#"{"type": "sqs", "queueName": "jobs", "queueNmae": "x"}"#,
         #"sqs trigger has unknown member "queueNmae"; allowed members: type, queueName, messagesPerTask, queueUrl, accountId, region"#),
        (#"{"type": "sqs", "queueName": "jobs", "b": 1, "a": 2}"#,
         #"sqs trigger has unknown members "a", "b"; allowed members: type, queueName, messagesPerTask, queueUrl, accountId, region"#),
        (#"{"type": "sqs", "queueName": "my queue"}"#,
         #"sqs trigger queueName must be 1 to 80 letters, digits, '-' or '_', with an optional .fifo suffix, not "my queue""#),
        (#"{"type": "sqs", "queueName": 7}"#,
         "sqs trigger queueName must be 1 to 80 letters, digits, '-' or '_', with an optional .fifo suffix, not 7"),
        (#"{"type": "sqs", "queueName": "jobs", "messagesPerTask": 0}"#,
         "sqs trigger messagesPerTask must be an integer of at least 1, not 0"),
        (#"{"type": "sqs", "queueName": "jobs", "messagesPerTask": 2.5}"#,
         "sqs trigger messagesPerTask must be an integer of at least 1, not 2.5"),
        (#"{"type": "sqs", "queueName": "jobs", "messagesPerTask": true}"#,
         "sqs trigger messagesPerTask must be an integer of at least 1, not true"),
        (#"{"type": "sqs", "queueName": "jobs", "messagesPerTask": "10"}"#,
         #"sqs trigger messagesPerTask must be an integer of at least 1, not "10""#),
        (#"{"type": "sqs", "queueName": "jobs", "accountId": "12345"}"#,
         #"sqs trigger accountId must be a 12-digit AWS account id, not "12345""#),
        (#"{"type": "sqs", "queueName": "jobs", "queueUrl": "sqs.example/jobs"}"#,
         #"sqs trigger queueUrl must be an http:// or https:// URL, not "sqs.example/jobs""#),
        (#"{"type": "sqs", "queueName": "jobs", "region": "Mars"}"#,
         #"sqs trigger region must be an AWS region name such as us-east-1, not "Mars""#),
        (#"{"type": "sqs", "queueName": "jobs", "accountId": "123456789012", "queueUrl": "https://sqs.example/1/jobs"}"#,
         "sqs trigger takes queueUrl or accountId, not both; the queueUrl already names the account"),
    ])
    func validationMessages(trigger: String, expected: String) throws {
        let service = PluginTriggerService(host: firstPartyHost(network: FakeSQS(queues: [:])))
        let object = try #require(try JSONValue.parse(Data(trigger.utf8)).objectValue)

        #expect(triggerErrorMessage { () throws(TriggerError) in try service.validate(trigger: object) } == expected)
    }

    @Test("valid settings pass")
    func validSettings() throws {
        let service = PluginTriggerService(host: firstPartyHost(network: FakeSQS(queues: [:])))
        let triggers: [[String: JSONValue]] = [
            ["type": "sqs", "queueName": "jobs"],
            ["type": "sqs", "queueName": "jobs.fifo", "messagesPerTask": 100, "region": "eu-west-1"],
            ["type": "sqs", "queueName": "jobs", "accountId": "123456789012", "region": "us-gov-west-1"],
            ["type": "sqs", "queueName": "jobs", "queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"],
        ]
        for trigger in triggers {
            try service.validate(trigger: trigger)
        }
    }

    @Test("desired count follows the queue depth", arguments: [
        // (messages, messagesPerTask, taskCount, maxCount, expected)
        (0, 100, 1, nil, 0),
        (250, 100, 1, nil, 3),
        (250, 100, 1, 2, 2),
        (5, 100, 4, nil, 4),
        (100_000, 100, 1, nil, 50),
        (7, nil, 3, nil, 3),
        (7, nil, 3, 2, 2),
        (0, nil, 3, nil, 0),
    ] as [(Int, Int?, Int, Int?, Int)])
    func desiredCount(messages: Int, messagesPerTask: Int?, taskCount: Int, maxCount: Int?, expected: Int) throws {
        let sqs = FakeSQS(queues: ["work": messages])
        let service = PluginTriggerService(host: firstPartyHost(network: sqs))
        var trigger: [String: JSONValue] = ["type": "sqs", "queueName": "work"]
        trigger["messagesPerTask"] = messagesPerTask.map { .number(Double($0)) }
        let job = triggeredJob("consumer", trigger: trigger, taskCount: taskCount, maxCount: maxCount)

        #expect(try service.desiredCount(for: job) == expected)
    }

    @Test("queue URL is looked up once")
    func queueURLCached() throws {
        let sqs = FakeSQS(queues: ["work": 3])
        let service = PluginTriggerService(host: firstPartyHost(network: sqs))
        let job = triggeredJob("consumer", trigger: ["type": "sqs", "queueName": "work"])

        _ = try service.desiredCount(for: job)
        _ = try service.desiredCount(for: job)

        #expect(sqs.targets() == [
            "AmazonSQS.GetQueueUrl", "AmazonSQS.GetQueueAttributes", "AmazonSQS.GetQueueAttributes",
        ])
        let first = try #require(sqs.requests.withLock { $0.first })
        #expect(first.service == "sqs")
        #expect(first.operation == "GetQueueUrl")
        #expect(first.method == "POST")
        #expect(first.path == "/")
        #expect(first.headers["Content-Type"] == "application/x-amz-json-1.0")
    }

    @Test("cross-account queue names its owner and region")
    func crossAccount() throws {
        let sqs = FakeSQS(queues: ["shared": 10])
        let service = PluginTriggerService(host: firstPartyHost(network: sqs))
        let trigger: [String: JSONValue] = [
            "type": "sqs", "queueName": "shared", "accountId": "210987654321", "region": "eu-west-1",
        ]

        #expect(try service.desiredCount(for: triggeredJob("consumer", trigger: trigger, taskCount: 2)) == 2)

        let requests = sqs.requests.withLock { $0 }
        #expect(requests.allSatisfy { $0.region == "eu-west-1" })
        let lookup = try #require(requests.first)
        let body = try JSONValue.parse(lookup.body)
        #expect(body["QueueOwnerAWSAccountId"] == "210987654321")
        #expect(body["QueueName"] == "shared")
        let attributes = try JSONValue.parse(requests[1].body)
        #expect(attributes["QueueUrl"] == "http://sqs.test/210987654321/shared")
        #expect(attributes["AttributeNames"] == ["ApproximateNumberOfMessages"])
    }

    @Test("queue URL setting skips the lookup")
    func queueURLSetting() throws {
        let sqs = FakeSQS(queues: ["direct": 1])
        let service = PluginTriggerService(host: firstPartyHost(network: sqs))
        let trigger: [String: JSONValue] = ["type": "sqs", "queueName": "direct", "queueUrl": "http://sqs.test/1/direct"]

        #expect(try service.desiredCount(for: triggeredJob("consumer", trigger: trigger)) == 1)
        #expect(sqs.targets() == ["AmazonSQS.GetQueueAttributes"])
    }

    @Test("missing queue fails the fire")
    func missingQueue() throws {
        let service = PluginTriggerService(host: firstPartyHost(network: FakeSQS(queues: [:])))
        let job = triggeredJob("consumer", trigger: ["type": "sqs", "queueName": "absent"])

        let message = try #require(triggerErrorMessage { () throws(TriggerError) in _ = try service.desiredCount(for: job) })

        #expect(message.hasPrefix("Trigger sqs failed for job consumer (ECSS_ERROR): sqs trigger found no queue absent; "
            + "create it or correct queueName"))
        #expect(message.contains("QueueDoesNotExist"))
    }

    @Test("deleted queue is looked up again")
    func deletedQueue() throws {
        let sqs = FakeSQS(queues: ["work": 4])
        let service = PluginTriggerService(host: firstPartyHost(network: sqs))
        let job = triggeredJob("consumer", trigger: ["type": "sqs", "queueName": "work"])
        _ = try service.desiredCount(for: job)

        sqs.queues.withLock { $0["work"] = nil }
        #expect(throws: TriggerError.self) { try service.desiredCount(for: job) }
        sqs.queues.withLock { $0["work"] = 2 }
        #expect(try service.desiredCount(for: job) == 1)

        #expect(sqs.targets() == [
            "AmazonSQS.GetQueueUrl", "AmazonSQS.GetQueueAttributes", "AmazonSQS.GetQueueAttributes",
            "AmazonSQS.GetQueueUrl", "AmazonSQS.GetQueueAttributes",
        ])
    }
}
