import Foundation
import Testing
@testable import AWSClient

/// DynamoDB operations against moto.
@Suite struct DynamoDBTests {
    /// Creates a table keyed by the string attribute `job-id`, as the DynamoDB store does.
    static func table(_ client: AWSClient) throws -> String {
        let name = MotoFixture.uniqueName("jobs")
        try client.dynamodb.createTable([
            "TableName": name,
            "AttributeDefinitions": [["AttributeName": "job-id", "AttributeType": "S"]],
            "KeySchema": [["AttributeName": "job-id", "KeyType": "HASH"]],
            "BillingMode": "PAY_PER_REQUEST",
        ])
        try client.dynamodb.waitUntilTableActive(name, interval: .milliseconds(100))
        return name
    }

    static func item(_ id: String, _ json: String = "{}") -> [String: Any] {
        ["job-id": ["S": id], "json-data": ["S": json]]
    }

    @Test func tableIsCreatedAndDescribed() throws {
        let client = try MotoFixture.client()
        let name = try Self.table(client)

        let table = try client.dynamodb.describeTable(name)
        let again = #expect(throws: AWSError.self) {
            try client.dynamodb.createTable([
                "TableName": name,
                "AttributeDefinitions": [["AttributeName": "job-id", "AttributeType": "S"]],
                "KeySchema": [["AttributeName": "job-id", "KeyType": "HASH"]],
                "BillingMode": "PAY_PER_REQUEST",
            ])
        }

        #expect(table["TableName"] as? String == name)
        #expect(table["TableStatus"] as? String == "ACTIVE")
        #expect(again?.code == "ResourceInUseException")
    }

    @Test func missingTableIsReported() throws {
        let client = try MotoFixture.client()
        let error = #expect(throws: AWSError.self) { try client.dynamodb.describeTable(MotoFixture.uniqueName("missing")) }

        #expect(error?.status == 400)
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.isRetryable == false)
    }

    @Test func conditionalPutGetAndDelete() throws {
        let client = try MotoFixture.client()
        let table = try Self.table(client)
        let names = ["#id": "job-id"]

        try client.dynamodb.putItem(tableName: table, item: Self.item("nightly", #"{"schedule":"0 0"}"#),
                                    conditionExpression: "attribute_not_exists(#id)", expressionAttributeNames: names)
        let conflict = #expect(throws: AWSError.self) {
            try client.dynamodb.putItem(tableName: table, item: Self.item("nightly"),
                                        conditionExpression: "attribute_not_exists(#id)", expressionAttributeNames: names)
        }
        let stored = try client.dynamodb.getItem(tableName: table, key: ["job-id": ["S": "nightly"]], consistentRead: true)
        let missing = try client.dynamodb.getItem(tableName: table, key: ["job-id": ["S": "absent"]])
        let deleteMissing = #expect(throws: AWSError.self) {
            try client.dynamodb.deleteItem(tableName: table, key: ["job-id": ["S": "absent"]],
                                           conditionExpression: "attribute_exists(#id)", expressionAttributeNames: names)
        }
        try client.dynamodb.deleteItem(tableName: table, key: ["job-id": ["S": "nightly"]],
                                       conditionExpression: "#data = :data", expressionAttributeNames: ["#data": "json-data"],
                                       expressionAttributeValues: [":data": ["S": #"{"schedule":"0 0"}"#]])

        #expect(conflict?.code == "ConditionalCheckFailedException")
        #expect(conflict?.status == 400)
        #expect(conflict?.isRetryable == false)
        #expect((stored?["json-data"] as? [String: String])?["S"] == #"{"schedule":"0 0"}"#)
        #expect(missing == nil)
        #expect(deleteMissing?.code == "ConditionalCheckFailedException")
        #expect(try client.dynamodb.getItem(tableName: table, key: ["job-id": ["S": "nightly"]]) == nil)
    }

    @Test func scanFollowsEveryPage() throws {
        let client = try MotoFixture.client()
        let table = try Self.table(client)
        let ids = (0..<105).map { "job-\($0)" }
        for id in ids {
            try client.dynamodb.putItem(tableName: table, item: Self.item(id))
        }

        let firstPage = try client.dynamodb.call("Scan", ["TableName": table, "Limit": 20])
        let items = try client.dynamodb.scan(tableName: table, pageSize: 20)

        #expect((firstPage["Items"] as? [Any])?.count == 20)
        #expect(firstPage["LastEvaluatedKey"] != nil)
        #expect(items.count == 105)
        #expect(Set(items.compactMap { ($0["job-id"] as? [String: String])?["S"] }) == Set(ids))
    }
}
