/// Amazon SQS operations (the AWS JSON 1.0 protocol, `X-Amz-Target: AmazonSQS.<Operation>`).
public struct SQS: Sendable {
    let client: AWSClient

    /// Calls any SQS operation with its input as the API defines it.
    public func call(_ operation: String, _ input: [String: Any]) throws(AWSError) -> [String: Any] {
        try client.jsonCall(service: "sqs", targetPrefix: "AmazonSQS", operation: operation, version: "1.0", body: input)
    }

    /// Finds a queue's URL by name.
    /// - Throws: `AWSError` with code `QueueDoesNotExist` when there is no such queue.
    public func getQueueUrl(queueName: String, ownerAccountID: String? = nil) throws(AWSError) -> String {
        var input: [String: Any] = ["QueueName": queueName]
        if let ownerAccountID { input["QueueOwnerAWSAccountId"] = ownerAccountID }
        let output = try call("GetQueueUrl", input)
        guard let url = output["QueueUrl"] as? String else {
            throw AWSError(kind: .invalidResponse, service: "sqs", operation: "GetQueueUrl",
                           message: "the response has no QueueUrl")
        }
        return url
    }

    /// Reads queue attributes, such as `ApproximateNumberOfMessages`.
    /// - Returns: the attributes by name, as strings.
    public func getQueueAttributes(queueURL: String, attributeNames: [String] = ["All"]) throws(AWSError) -> [String: String] {
        let output = try call("GetQueueAttributes", ["QueueUrl": queueURL, "AttributeNames": attributeNames])
        return output["Attributes"] as? [String: String] ?? [:]
    }
}

extension AWSClient {
    public var sqs: SQS { SQS(client: self) }
}
