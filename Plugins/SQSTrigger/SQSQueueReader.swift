import Foundation
import PluginKit
import Synchronization

/// Reads queue depths through the host's AWS client (SQS JSON protocol), remembering queue
/// URLs so that each fire sends one request once a queue is known.
final class SQSQueueReader: Sendable {
    private let host: HostAPI
    /// Queue URLs by region, owner account and queue name.
    private let queueURLs = Mutex<[String: String]>([:])

    init(host: HostAPI) {
        self.host = host
    }

    /// Reads the queue's ApproximateNumberOfMessages.
    /// - Throws: `PluginError` with the host's status and a message naming the queue.
    func messageCount(_ settings: SQSTriggerSettings) throws(PluginError) -> Int {
        let url = try queueURL(settings)
        let call = AWSCall.json(service: "sqs", target: "AmazonSQS", operation: "GetQueueAttributes",
                                body: ["QueueUrl": .string(url), "AttributeNames": ["ApproximateNumberOfMessages"]],
                                region: settings.region)
        let response: HostResponse
        do throws(PluginError) {
            response = try host.sendAWS(call)
        } catch {
            // The queue may have been deleted or recreated: look its URL up again next time.
            queueURLs.withLock { _ = $0.removeValue(forKey: Self.cacheKey(settings)) }
            throw PluginError(error.status, "sqs trigger cannot read the depth of queue \(settings.queueName): "
                + error.message, response: error.response)
        }
        let text = try? response.json()["Attributes"]?["ApproximateNumberOfMessages"]?.stringValue
        guard let text, let count = Int(text), count >= 0 else {
            throw .error("sqs trigger got no ApproximateNumberOfMessages for queue \(settings.queueName) "
                + "(request id \(response.requestID ?? "none"))")
        }
        return count
    }

    /// Finds the queue's URL: the configured one, a cached one, or one from GetQueueUrl.
    private func queueURL(_ settings: SQSTriggerSettings) throws(PluginError) -> String {
        if let url = settings.queueURL { return url }
        let key = Self.cacheKey(settings)
        if let url = queueURLs.withLock({ $0[key] }) { return url }

        var body: [String: JSON] = ["QueueName": .string(settings.queueName)]
        body["QueueOwnerAWSAccountId"] = settings.accountID.map { .string($0) }
        let call = AWSCall.json(service: "sqs", target: "AmazonSQS", operation: "GetQueueUrl", body: .object(body),
                                region: settings.region)
        let response: HostResponse
        do throws(PluginError) {
            response = try host.sendAWS(call)
        } catch {
            if Self.isMissingQueue(error) {
                throw .error("sqs trigger found no queue \(settings.queueName)"
                    + (settings.accountID.map { " in account \($0)" } ?? "")
                    + "; create it or correct queueName: \(error.message)")
            }
            throw PluginError(error.status, "sqs trigger cannot look up queue \(settings.queueName): \(error.message)",
                              response: error.response)
        }
        guard let url = try? response.json()["QueueUrl"]?.stringValue else {
            throw .error("sqs trigger got no QueueUrl for queue \(settings.queueName) "
                + "(request id \(response.requestID ?? "none"))")
        }
        queueURLs.withLock { $0[key] = url }
        return url
    }

    private static func cacheKey(_ settings: SQSTriggerSettings) -> String {
        "\(settings.region ?? "")|\(settings.accountID ?? "")|\(settings.queueName)"
    }

    /// Returns whether the error reports a queue that does not exist: "QueueDoesNotExist" in the JSON
    /// protocol, "AWS.SimpleQueueService.NonExistentQueue" in the query protocol.
    private static func isMissingQueue(_ error: PluginError) -> Bool {
        guard let code = error.response?.errorCode else { return false }
        return code.hasSuffix("QueueDoesNotExist") || code.hasSuffix("NonExistentQueue")
    }
}
