import Foundation
import Testing
@testable import AWSClient

/// SQS operations (JSON protocol) against moto.
@Suite struct SQSTests {
    @Test func queueUrlAndAttributes() throws {
        let client = try MotoFixture.client()
        let name = MotoFixture.uniqueName("queue")
        let created = try client.sqs.call("CreateQueue", ["QueueName": name])["QueueUrl"] as? String
        for index in 0..<3 {
            _ = try client.sqs.call("SendMessage", ["QueueUrl": try #require(created), "MessageBody": "message \(index)"])
        }

        let url = try client.sqs.getQueueUrl(queueName: name)
        let attributes = try client.sqs.getQueueAttributes(queueURL: url, attributeNames: ["ApproximateNumberOfMessages"])
        let all = try client.sqs.getQueueAttributes(queueURL: url)

        #expect(url == created)
        #expect(url.hasSuffix("/\(name)"))
        #expect(attributes == ["ApproximateNumberOfMessages": "3"])
        #expect(all["QueueArn"]?.hasSuffix(":\(name)") == true)
        #expect(all.count > 1)
    }

    @Test func missingQueueIsReported() throws {
        let client = try MotoFixture.client()

        let error = #expect(throws: AWSError.self) {
            try client.sqs.getQueueUrl(queueName: MotoFixture.uniqueName("missing"))
        }

        #expect(error?.service == "sqs")
        #expect(error?.operation == "GetQueueUrl")
        #expect(error?.status == 400)
        #expect(error?.code == "QueueDoesNotExist")
        #expect(error?.message == "The specified queue does not exist.")
        #expect(error?.isRetryable == false)
    }
}
