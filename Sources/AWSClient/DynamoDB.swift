import Foundation

/// Amazon DynamoDB operations (AWS JSON 1.0). Items and keys are in DynamoDB's attribute
/// value form: `["job-id": ["S": "nightly"]]`.
public struct DynamoDB: Sendable {
    let client: AWSClient

    /// Calls any DynamoDB operation with its input as the API defines it.
    public func call(_ operation: String, _ input: [String: Any]) throws(AWSError) -> [String: Any] {
        try client.jsonCall(service: "dynamodb", targetPrefix: "DynamoDB_20120810", operation: operation,
                            version: "1.0", body: input)
    }

    /// Describes a table.
    /// - Returns: the `Table` object.
    /// - Throws: `AWSError` with code `ResourceNotFoundException` when there is no such table.
    public func describeTable(_ tableName: String) throws(AWSError) -> [String: Any] {
        try call("DescribeTable", ["TableName": tableName])["Table"] as? [String: Any] ?? [:]
    }

    /// Creates a table.
    /// - Parameter input: the CreateTable input as the API defines it.
    /// - Returns: the `TableDescription` object.
    /// - Throws: `AWSError` with code `ResourceInUseException` when the table exists.
    @discardableResult
    public func createTable(_ input: [String: Any]) throws(AWSError) -> [String: Any] {
        try call("CreateTable", input)["TableDescription"] as? [String: Any] ?? [:]
    }

    /// Waits until a table's status is ACTIVE, reading it every `interval`.
    /// - Throws: `AWSError` of kind `.timedOut` when `timeout` passes first.
    public func waitUntilTableActive(_ tableName: String, timeout: Duration = .seconds(120),
                                     interval: Duration = .seconds(2)) throws(AWSError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try describeTable(tableName)["TableStatus"] as? String
            if status == "ACTIVE" { return }
            guard ContinuousClock.now + interval < deadline else {
                throw AWSError(kind: .timedOut, service: "dynamodb", operation: "DescribeTable",
                               message: "table \(tableName) is still \(status ?? "without a status") after \(timeout)")
            }
            Thread.sleep(forTimeInterval: interval.timeInterval)
        }
    }

    /// Reads one item.
    /// - Returns: the item, or nil when there is none with that key.
    public func getItem(tableName: String, key: [String: Any], consistentRead: Bool = false) throws(AWSError) -> [String: Any]? {
        try call("GetItem", ["TableName": tableName, "Key": key, "ConsistentRead": consistentRead])["Item"] as? [String: Any]
    }

    /// Writes an item, replacing any item with the same key.
    ///
    /// - Parameters:
    ///   - conditionExpression: a condition the current item must meet, such as
    ///     `attribute_not_exists(#id)`.
    /// - Throws: `AWSError` with code `ConditionalCheckFailedException` when the condition fails.
    public func putItem(tableName: String, item: [String: Any], conditionExpression: String? = nil,
                        expressionAttributeNames: [String: String]? = nil,
                        expressionAttributeValues: [String: Any]? = nil) throws(AWSError) {
        var input: [String: Any] = ["TableName": tableName, "Item": item]
        Self.addCondition(&input, conditionExpression, expressionAttributeNames, expressionAttributeValues)
        _ = try call("PutItem", input)
    }

    /// Deletes an item. Deleting a key that does not exist succeeds unless a condition fails.
    /// - Throws: `AWSError` with code `ConditionalCheckFailedException` when the condition fails.
    public func deleteItem(tableName: String, key: [String: Any], conditionExpression: String? = nil,
                           expressionAttributeNames: [String: String]? = nil,
                           expressionAttributeValues: [String: Any]? = nil) throws(AWSError) {
        var input: [String: Any] = ["TableName": tableName, "Key": key]
        Self.addCondition(&input, conditionExpression, expressionAttributeNames, expressionAttributeValues)
        _ = try call("DeleteItem", input)
    }

    /// Reads every item of a table, following every page.
    /// - Parameter pageSize: items per page; nil for DynamoDB's own limit (1 MB per page).
    public func scan(tableName: String, pageSize: Int? = nil, consistentRead: Bool = false) throws(AWSError) -> [[String: Any]] {
        var items: [[String: Any]] = []
        var startKey: [String: Any]?
        repeat {
            var input: [String: Any] = ["TableName": tableName, "ConsistentRead": consistentRead]
            if let pageSize { input["Limit"] = pageSize }
            if let startKey { input["ExclusiveStartKey"] = startKey }
            let output = try call("Scan", input)
            items += output["Items"] as? [[String: Any]] ?? []
            startKey = (output["LastEvaluatedKey"] as? [String: Any]).flatMap { $0.isEmpty ? nil : $0 }
        } while startKey != nil
        return items
    }

    private static func addCondition(_ input: inout [String: Any], _ expression: String?,
                                     _ names: [String: String]?, _ values: [String: Any]?) {
        if let expression { input["ConditionExpression"] = expression }
        if let names, !names.isEmpty { input["ExpressionAttributeNames"] = names }
        if let values, !values.isEmpty { input["ExpressionAttributeValues"] = values }
    }
}

extension AWSClient {
    public var dynamodb: DynamoDB { DynamoDB(client: self) }
}
