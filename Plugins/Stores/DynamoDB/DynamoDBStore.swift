import Foundation
import PluginKit

/// Jobs as DynamoDB items `{"job-id": {"S": id}, "json-data": {"S": job JSON without id}}` in
/// a table with hash key `job-id`, as the original Python ecs-scheduler stored them.
///
/// Settings: `{"table": name, "page_size": optional Scan limit}`. A missing table is created
/// with on-demand capacity (PAY_PER_REQUEST), and opening waits until it is ACTIVE.
final class DynamoDBStore: StorePlugin {
    static let storeName = "dynamodb"
    static let version = "1.0.0"
    static let summary = "Jobs as items {job-id, json-data} in a DynamoDB table, as the original ecs-scheduler stored them"

    static let keyAttribute = "job-id"
    static let dataAttribute = "json-data"
    /// How long opening waits for a table to become ACTIVE, and how often it polls.
    static let activeTimeout: TimeInterval = 300
    static let activePollInterval: TimeInterval = 1

    let host: HostAPI
    let table: String
    /// Scan Limit; nil for DynamoDB's own page size (1 MB of items).
    let pageSize: Int?

    init(host: HostAPI, settings: [String: JSON]) throws(PluginError) {
        guard let table = settings["table"]?.stringValue, !table.isEmpty else {
            throw .invalid("DynamoDB store settings have no table; set ECSS_DYNAMODB_TABLE, or table: under dynamodb: in the configuration file, to the table name")
        }
        try DynamoDBStore.checkTableName(table)
        self.host = host
        self.table = table
        self.pageSize = try DynamoDBStore.pageSize(settings["page_size"])

        try ensureTable()
        host.log(.info, "Opened DynamoDB store in table \(table)")
    }

    // MARK: - Jobs

    /// Reads every item with consistent Scan pages, following LastEvaluatedKey.
    func loadAll(_ visit: (String, String) throws(PluginError) -> Void) throws(PluginError) {
        var startKey: JSON?
        repeat {
            var request: [String: JSON] = ["TableName": .string(table), "ConsistentRead": true]
            if let pageSize { request["Limit"] = .number(Double(pageSize)) }
            if let startKey { request["ExclusiveStartKey"] = startKey }
            let page = try call("Scan", request, action: "scan")
            for item in page["Items"]?.arrayValue ?? [] {
                guard let (id, json) = job(in: item) else { continue }
                try visit(id, json)
            }
            startKey = page["LastEvaluatedKey"]
        } while startKey != nil
    }

    func get(id: String) throws(PluginError) -> String {
        let response = try call("GetItem", ["TableName": .string(table), "Key": key(id), "ConsistentRead": true],
                                action: "read job \(id) from")
        guard let item = response["Item"] else { throw DynamoDBStore.notFound(id) }
        guard let json = item[DynamoDBStore.dataAttribute]?["S"]?.stringValue else {
            throw .error("DynamoDB item of job \(id) in table \(table) has no string attribute json-data")
        }
        return json
    }

    /// Puts the item only if no item has its key (`attribute_not_exists`), so two daemons
    /// cannot both create one id.
    func create(id: String, document: String) throws(PluginError) {
        try put(id, document, condition: "attribute_not_exists(#key)", action: "create job \(id) in") {
            PluginError(.conflict, "Job \(id) already exists.")
        }
    }

    /// Replaces the item only if it exists (`attribute_exists`), so an update never brings
    /// back a job that another daemon deleted.
    func update(id: String, document: String) throws(PluginError) {
        try put(id, document, condition: "attribute_exists(#key)", action: "update job \(id) in") {
            DynamoDBStore.notFound(id)
        }
    }

    func delete(id: String) throws(PluginError) {
        let request: [String: JSON] = [
            "TableName": .string(table), "Key": key(id),
            "ConditionExpression": "attribute_exists(#key)",
            "ExpressionAttributeNames": ["#key": .string(DynamoDBStore.keyAttribute)],
        ]
        try callConditional("DeleteItem", request, action: "delete job \(id) from") { DynamoDBStore.notFound(id) }
    }

    // MARK: - Items

    private func key(_ id: String) -> JSON {
        [DynamoDBStore.keyAttribute: ["S": .string(id)]]
    }

    private func put(_ id: String, _ document: String, condition: String, action: String,
                     conditionFailed: () -> PluginError) throws(PluginError) {
        let request: [String: JSON] = [
            "TableName": .string(table),
            "Item": [DynamoDBStore.keyAttribute: ["S": .string(id)], DynamoDBStore.dataAttribute: ["S": .string(document)]],
            "ConditionExpression": .string(condition),
            "ExpressionAttributeNames": ["#key": .string(DynamoDBStore.keyAttribute)],
        ]
        try callConditional("PutItem", request, action: action, conditionFailed: conditionFailed)
    }

    /// Extracts the id and job JSON of a scanned item. Returns nil, after a log line, for an
    /// item without a string key or string json-data, or whose json-data is not JSON.
    private func job(in item: JSON) -> (String, String)? {
        guard let id = item[DynamoDBStore.keyAttribute]?["S"]?.stringValue else {
            host.log(.error, "Skipped an item of DynamoDB table \(table) because it has no string job-id")
            return nil
        }
        guard let json = item[DynamoDBStore.dataAttribute]?["S"]?.stringValue else {
            host.log(.error, "Skipped job \(id) in DynamoDB table \(table) because it has no string json-data", jobID: id)
            return nil
        }
        guard (try? JSON.parse(Data(json.utf8))) != nil else {
            host.log(.error, "Skipped job \(id) in DynamoDB table \(table) because its json-data is not JSON", jobID: id)
            return nil
        }
        return (id, json)
    }

    private static func notFound(_ id: String) -> PluginError {
        PluginError(.notFound, "Job \(id) does not exist.")
    }

    // MARK: - Table

    /// Creates the table when DescribeTable reports it missing, then waits until it is ACTIVE.
    private func ensureTable() throws(PluginError) {
        var description = try describeTable()
        if description == nil {
            try createTable()
            description = try describeTable()
        }
        let deadline = Date().addingTimeInterval(DynamoDBStore.activeTimeout)
        while let status = description?["TableStatus"]?.stringValue, status != "ACTIVE" {
            guard Date() < deadline else {
                throw .error("DynamoDB table \(table) is still \(status) after \(Int(DynamoDBStore.activeTimeout)) s")
            }
            Thread.sleep(forTimeInterval: DynamoDBStore.activePollInterval)
            description = try describeTable()
        }
        try checkKeySchema(description ?? [:])
    }

    /// Reads the table's description; returns nil when the table does not exist.
    private func describeTable() throws(PluginError) -> JSON? {
        do throws(PluginError) {
            return try send("DescribeTable", ["TableName": .string(table)])["Table"]
        } catch where error.response?.errorCode == "ResourceNotFoundException" {
            return nil
        } catch {
            throw failure(error, "describe")
        }
    }

    private func createTable() throws(PluginError) {
        let request: [String: JSON] = [
            "TableName": .string(table),
            "AttributeDefinitions": [["AttributeName": .string(DynamoDBStore.keyAttribute), "AttributeType": "S"]],
            "KeySchema": [["AttributeName": .string(DynamoDBStore.keyAttribute), "KeyType": "HASH"]],
            "BillingMode": "PAY_PER_REQUEST",
        ]
        do throws(PluginError) {
            _ = try send("CreateTable", request)
            host.log(.info, "Created DynamoDB table \(table) with hash key job-id and on-demand capacity")
        } catch where error.response?.errorCode == "ResourceInUseException" {
            // Another daemon created it meanwhile.
            return
        } catch {
            throw failure(error, "create")
        }
    }

    /// Rejects an existing table whose only key is not the hash key `job-id` of type S.
    private func checkKeySchema(_ description: JSON) throws(PluginError) {
        let keySchema = description["KeySchema"]?.arrayValue ?? []
        let definitions = description["AttributeDefinitions"]?.arrayValue ?? []
        let hashKey = keySchema.first { $0["KeyType"]?.stringValue == "HASH" }?["AttributeName"]?.stringValue
        let hashType = definitions.first { $0["AttributeName"]?.stringValue == hashKey }?["AttributeType"]?.stringValue
        guard hashKey == DynamoDBStore.keyAttribute, hashType == "S", keySchema.count == 1 else {
            let schema = String(decoding: JSON.array(keySchema).serialized(), as: UTF8.self)
            throw .invalid("DynamoDB table \(table) has key schema \(schema), but the store needs a table whose only "
                           + "key is the hash key job-id of type S; set ECSS_DYNAMODB_TABLE to another table")
        }
    }

    // MARK: - Requests

    /// Sends one operation and returns its response object.
    private func send(_ operation: String, _ body: [String: JSON]) throws(PluginError) -> JSON {
        let response = try host.sendAWS(.json(service: "dynamodb", target: "DynamoDB_20120810", operation: operation,
                                              body: .object(body)))
        let object = try response.json()
        guard object.objectValue != nil else {
            throw .error("DynamoDB \(operation) on table \(table) returned a body that is not a JSON object")
        }
        return object
    }

    private func call(_ operation: String, _ body: [String: JSON], action: String) throws(PluginError) -> JSON {
        do throws(PluginError) {
            return try send(operation, body)
        } catch {
            throw failure(error, action)
        }
    }

    /// Sends a conditional write; a failed condition throws `conditionFailed()`.
    private func callConditional(_ operation: String, _ body: [String: JSON], action: String,
                                 conditionFailed: () -> PluginError) throws(PluginError) {
        do throws(PluginError) {
            _ = try send(operation, body)
        } catch where error.response?.errorCode == "ConditionalCheckFailedException" {
            throw conditionFailed()
        } catch {
            throw failure(error, action)
        }
    }

    /// Wraps a failed request: a passing failure stays `.retry`, the rest become `.error`.
    private func failure(_ error: PluginError, _ action: String) -> PluginError {
        PluginError(error.status == .retry ? .retry : .error, "DynamoDB store could not \(action) table \(table): \(error.message)",
                    response: error.response)
    }

    // MARK: - Settings

    /// Applies DynamoDB's table naming rules: 3 to 255 letters, digits, "_", "-" and ".".
    static func checkTableName(_ name: String) throws(PluginError) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_-.".unicodeScalars.contains(scalar))
        }
        guard (3...255).contains(name.utf8.count), allowed else {
            throw .invalid("DynamoDB table name \(name) is invalid: use 3 to 255 letters, digits, \"_\", \"-\" and \".\"")
        }
    }

    static func pageSize(_ value: JSON?) throws(PluginError) -> Int? {
        guard let value else { return nil }
        guard let size = value.intValue, size >= 1 else {
            throw .invalid("DynamoDB store setting page_size must be a whole number of 1 or more")
        }
        return size
    }
}

/// The entry point of libecss-store-dynamodb.so, which the host finds with dlsym.
@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    PluginExport.store(DynamoDBStore.self)
}
