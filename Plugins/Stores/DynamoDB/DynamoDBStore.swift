import Foundation
import PluginABI
import StorePluginSupport

/// Jobs as DynamoDB items `{"job-id": {"S": id}, "json-data": {"S": job JSON without id}}` in
/// a table with hash key `job-id`, as the original Python ecs-scheduler stored them.
///
/// Settings: `{"table": name, "page_size": optional Scan limit}`. A missing table is created
/// with on-demand capacity (PAY_PER_REQUEST), and opening waits until it is ACTIVE.
final class DynamoDBStore: StoreBackend {
    static let keyAttribute = "job-id"
    static let dataAttribute = "json-data"
    /// How long opening waits for a table to become ACTIVE, and how often it polls.
    static let activeTimeout: TimeInterval = 300
    static let activePollInterval: TimeInterval = 1

    let host: StoreHost
    let table: String
    /// Scan Limit; nil for DynamoDB's own page size (1 MB of items).
    let pageSize: Int?

    init(host: StoreHost, settingsJSON: String) throws(StoreFailure) {
        guard let settings = JSONText.object(settingsJSON) else {
            throw .invalid("DynamoDB store settings are not a JSON object: \(settingsJSON)")
        }
        guard let table = settings["table"] as? String, !table.isEmpty else {
            throw .invalid("DynamoDB store settings have no table; set ECSS_DYNAMODB_TABLE to the table name")
        }
        try DynamoDBStore.checkTableName(table)
        self.host = host
        self.table = table
        self.pageSize = try DynamoDBStore.pageSize(settings["page_size"])

        try ensureTable()
        host.log(ECSS_LOG_INFO, "opened DynamoDB store in table \(table)")
    }

    // MARK: - Jobs

    /// Reads every item with consistent Scan pages, following LastEvaluatedKey.
    func loadAll(_ visit: (String, String) throws(StoreFailure) -> Void) throws(StoreFailure) {
        var startKey: Any?
        repeat {
            var request: [String: Any] = ["TableName": table, "ConsistentRead": true]
            if let pageSize { request["Limit"] = pageSize }
            if let startKey { request["ExclusiveStartKey"] = startKey }
            let page = try call("Scan", request, action: "scan")
            for item in page["Items"] as? [[String: Any]] ?? [] {
                guard let (id, json) = job(in: item) else { continue }
                try visit(id, json)
            }
            startKey = page["LastEvaluatedKey"]
        } while startKey != nil
    }

    func get(_ jobID: String) throws(StoreFailure) -> String {
        let response = try call("GetItem", ["TableName": table, "Key": key(jobID), "ConsistentRead": true],
                                action: "read job \(jobID) from")
        guard let item = response["Item"] as? [String: Any] else { throw .notFound(jobID: jobID) }
        guard let json = (item[DynamoDBStore.dataAttribute] as? [String: Any])?["S"] as? String else {
            throw .error("DynamoDB item of job \(jobID) in table \(table) has no string attribute json-data")
        }
        return json
    }

    /// Puts the item only if no item has its key (`attribute_not_exists`), so two daemons
    /// cannot both create one id.
    func create(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        try put(jobID, jobJSON, condition: "attribute_not_exists(#key)", action: "create job \(jobID) in") {
            .conflict(jobID: jobID)
        }
    }

    /// Replaces the item only if it exists (`attribute_exists`), so an update never brings
    /// back a job that another daemon deleted.
    func update(_ jobID: String, _ jobJSON: String) throws(StoreFailure) {
        try put(jobID, jobJSON, condition: "attribute_exists(#key)", action: "update job \(jobID) in") {
            .notFound(jobID: jobID)
        }
    }

    func delete(_ jobID: String) throws(StoreFailure) {
        let request: [String: Any] = [
            "TableName": table, "Key": key(jobID),
            "ConditionExpression": "attribute_exists(#key)",
            "ExpressionAttributeNames": ["#key": DynamoDBStore.keyAttribute],
        ]
        try callConditional("DeleteItem", request, action: "delete job \(jobID) from") { .notFound(jobID: jobID) }
    }

    func close() {}

    // MARK: - Items

    private func key(_ jobID: String) -> [String: Any] {
        [DynamoDBStore.keyAttribute: ["S": jobID]]
    }

    private func put(_ jobID: String, _ jobJSON: String, condition: String, action: String,
                     conditionFailed: () -> StoreFailure) throws(StoreFailure) {
        let request: [String: Any] = [
            "TableName": table,
            "Item": [DynamoDBStore.keyAttribute: ["S": jobID], DynamoDBStore.dataAttribute: ["S": jobJSON]],
            "ConditionExpression": condition,
            "ExpressionAttributeNames": ["#key": DynamoDBStore.keyAttribute],
        ]
        try callConditional("PutItem", request, action: action, conditionFailed: conditionFailed)
    }

    /// Extracts the id and job JSON of a scanned item. Returns nil, after a log line, for an
    /// item without a string key or string json-data, or whose json-data is not JSON.
    private func job(in item: [String: Any]) -> (String, String)? {
        guard let id = (item[DynamoDBStore.keyAttribute] as? [String: Any])?["S"] as? String else {
            host.log(ECSS_LOG_ERROR, "skipped an item of DynamoDB table \(table) without a string job-id")
            return nil
        }
        guard let json = (item[DynamoDBStore.dataAttribute] as? [String: Any])?["S"] as? String else {
            host.log(ECSS_LOG_ERROR, "skipped job \(id) in DynamoDB table \(table): it has no string json-data", jobID: id)
            return nil
        }
        guard JSONText.isJSON(json) else {
            host.log(ECSS_LOG_ERROR, "skipped job \(id) in DynamoDB table \(table): its json-data is not JSON", jobID: id)
            return nil
        }
        return (id, json)
    }

    // MARK: - Table

    /// Creates the table when DescribeTable reports it missing, then waits until it is ACTIVE.
    private func ensureTable() throws(StoreFailure) {
        var description = try describeTable()
        if description == nil {
            try createTable()
            description = try describeTable()
        }
        let deadline = Date().addingTimeInterval(DynamoDBStore.activeTimeout)
        while let status = description?["TableStatus"] as? String, status != "ACTIVE" {
            guard Date() < deadline else {
                throw .error("DynamoDB table \(table) is still \(status) after \(Int(DynamoDBStore.activeTimeout)) s")
            }
            Thread.sleep(forTimeInterval: DynamoDBStore.activePollInterval)
            description = try describeTable()
        }
        try checkKeySchema(description ?? [:])
    }

    /// Reads the table's description; returns nil when the table does not exist.
    private func describeTable() throws(StoreFailure) -> [String: Any]? {
        let response = send("DescribeTable", ["TableName": table])
        if response.status == ECSS_OK { return JSONText.object(response.body)?["Table"] as? [String: Any] }
        if response.errorCode == "ResourceNotFoundException" { return nil }
        throw failure(response, "describe")
    }

    private func createTable() throws(StoreFailure) {
        let request: [String: Any] = [
            "TableName": table,
            "AttributeDefinitions": [["AttributeName": DynamoDBStore.keyAttribute, "AttributeType": "S"]],
            "KeySchema": [["AttributeName": DynamoDBStore.keyAttribute, "KeyType": "HASH"]],
            "BillingMode": "PAY_PER_REQUEST",
        ]
        let response = send("CreateTable", request)
        if response.status == ECSS_OK {
            host.log(ECSS_LOG_INFO, "created DynamoDB table \(table) with hash key job-id, on-demand capacity")
            return
        }
        // Another daemon created it meanwhile.
        if response.errorCode == "ResourceInUseException" { return }
        throw failure(response, "create")
    }

    /// Rejects an existing table whose hash key is not `job-id` of type S.
    private func checkKeySchema(_ description: [String: Any]) throws(StoreFailure) {
        let keySchema = description["KeySchema"] as? [[String: Any]] ?? []
        let definitions = description["AttributeDefinitions"] as? [[String: Any]] ?? []
        let hashKey = keySchema.first { $0["KeyType"] as? String == "HASH" }?["AttributeName"] as? String
        let hashType = definitions.first { $0["AttributeName"] as? String == hashKey }?["AttributeType"] as? String
        guard hashKey == DynamoDBStore.keyAttribute, hashType == "S", keySchema.count == 1 else {
            throw .invalid("DynamoDB table \(table) has key schema \(JSONText.text(keySchema)), but the store needs "
                           + "a table whose only key is the hash key job-id of type S; set ECSS_DYNAMODB_TABLE to another table")
        }
    }

    // MARK: - Requests

    private func send(_ operation: String, _ body: [String: Any]) -> HostResponse {
        host.send(AWSRequest(
            service: "dynamodb", method: "POST", path: "/",
            headers: ["Content-Type: application/x-amz-json-1.0", "X-Amz-Target: DynamoDB_20120810.\(operation)"],
            body: JSONText.data(body)
        ))
    }

    /// Sends one operation and returns its response object; throws on any failure.
    private func call(_ operation: String, _ body: [String: Any], action: String) throws(StoreFailure) -> [String: Any] {
        let response = send(operation, body)
        guard response.status == ECSS_OK else { throw failure(response, action) }
        guard let object = JSONText.object(response.body) else {
            throw .error("DynamoDB \(operation) on table \(table) returned a body that is not a JSON object")
        }
        return object
    }

    /// Sends a conditional write; a failed condition throws `conditionFailed()`.
    private func callConditional(_ operation: String, _ body: [String: Any], action: String,
                                 conditionFailed: () -> StoreFailure) throws(StoreFailure) {
        let response = send(operation, body)
        if response.status == ECSS_OK { return }
        if response.errorCode == "ConditionalCheckFailedException" { throw conditionFailed() }
        throw failure(response, action)
    }

    private func failure(_ response: HostResponse, _ action: String) -> StoreFailure {
        let status = response.status == ECSS_RETRY ? ECSS_RETRY : ECSS_ERROR
        let detail = response.message ?? "HTTP \(response.httpStatus) \(response.errorCode ?? "")"
        return StoreFailure(status, "DynamoDB store could not \(action) table \(table): \(detail)")
    }

    // MARK: - Settings

    /// Applies DynamoDB's table naming rules: 3 to 255 letters, digits, "_", "-" and ".".
    static func checkTableName(_ name: String) throws(StoreFailure) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_-.".unicodeScalars.contains(scalar))
        }
        guard (3...255).contains(name.utf8.count), allowed else {
            throw .invalid("DynamoDB table name \(name) is invalid: use 3 to 255 letters, digits, \"_\", \"-\" and \".\"")
        }
    }

    static func pageSize(_ value: Any?) throws(StoreFailure) -> Int? {
        guard let value else { return nil }
        guard !JSONText.isBoolean(value), let size = value as? Int, size >= 1 else {
            throw .invalid("DynamoDB store setting page_size must be a whole number of 1 or more, not \(value)")
        }
        return size
    }
}
