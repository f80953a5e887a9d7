import Foundation
import Synchronization
import Testing
@testable import AWSClient

/// ECS operations against moto.
@Suite struct ECSTests {
    /// Creates a cluster and a Fargate task definition family with unique names.
    static func cluster(_ client: AWSClient) throws -> (cluster: String, family: String) {
        let cluster = MotoFixture.uniqueName("cluster")
        let family = MotoFixture.uniqueName("family")
        _ = try client.ecs.call("CreateCluster", ["clusterName": cluster])
        _ = try client.ecs.call("RegisterTaskDefinition", [
            "family": family,
            "containerDefinitions": [["name": "main", "image": "busybox", "memory": 128]],
        ])
        return (cluster, family)
    }

    static func runInput(cluster: String, family: String, count: Int, tag: String? = nil) -> [String: Any] {
        var input: [String: Any] = ["cluster": cluster, "taskDefinition": family, "count": count,
                                    "launchType": "FARGATE", "startedBy": "ecs-scheduler"]
        if let tag {
            input["overrides"] = ["containerOverrides": [
                ["name": "main", "environment": [["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": tag]]],
            ]]
        }
        return input
    }

    @Test func runListAndDescribeMoreThanOneBatch() throws {
        let client = try MotoFixture.client()
        let (cluster, family) = try Self.cluster(client)
        var started: [String] = []
        for batch in 0..<11 {
            let result = try client.ecs.runTask(Self.runInput(cluster: cluster, family: family, count: 10,
                                                              tag: batch == 0 ? "tagged-job" : nil))
            #expect(result.failures.isEmpty)
            started += result.tasks.compactMap { $0["taskArn"] as? String }
        }

        let listed = try client.ecs.listTasks(cluster: cluster, family: family)
        let described = try client.ecs.describeTasks(cluster: cluster, taskARNs: listed)

        #expect(started.count == 110)
        #expect(Set(listed) == Set(started))
        #expect(listed.count == 110)
        #expect(Set(described.compactMap { $0["taskArn"] as? String }) == Set(started))
        let tagged = described.filter { task in
            let overrides = (task["overrides"] as? [String: Any])?["containerOverrides"] as? [[String: Any]] ?? []
            return overrides.contains { ($0["environment"] as? [[String: String]])?.contains { $0["value"] == "tagged-job" } == true }
        }
        #expect(tagged.count == 10)
        #expect(described.allSatisfy { $0["startedBy"] as? String == "ecs-scheduler" })
    }

    @Test func listTasksOfOtherFamilyIsEmpty() throws {
        let client = try MotoFixture.client()
        let (cluster, family) = try Self.cluster(client)
        _ = try client.ecs.runTask(Self.runInput(cluster: cluster, family: family, count: 2))
        let other = MotoFixture.uniqueName("family")
        _ = try client.ecs.call("RegisterTaskDefinition", [
            "family": other, "containerDefinitions": [["name": "main", "image": "busybox", "memory": 128]],
        ])

        #expect(try client.ecs.listTasks(cluster: cluster, family: family).count == 2)
        #expect(try client.ecs.listTasks(cluster: cluster, family: other).isEmpty)
        #expect(try client.ecs.describeTasks(cluster: cluster, taskARNs: []).isEmpty)
    }

    @Test func runTaskInMissingClusterFails() throws {
        let client = try MotoFixture.client()

        let error = #expect(throws: AWSError.self) {
            try client.ecs.runTask(Self.runInput(cluster: MotoFixture.uniqueName("missing"), family: "none", count: 1))
        }

        #expect(error?.service == "ecs")
        #expect(error?.operation == "RunTask")
        #expect(error?.status == 400)
        #expect(error?.code == "ClusterNotFoundException")
        #expect(error?.requestID?.isEmpty == false)
        #expect(error?.isRetryable == false)
    }

    @Test func runTaskWithUnknownTaskDefinitionFails() throws {
        let client = try MotoFixture.client()
        let (cluster, _) = try Self.cluster(client)

        let error = #expect(throws: AWSError.self) {
            try client.ecs.runTask(Self.runInput(cluster: cluster, family: MotoFixture.uniqueName("unknown"), count: 1))
        }

        #expect(error?.code == "ClientException")
    }
}

/// ECS paging and batching against a stub that enforces the API's page and batch limits.
@Suite struct ECSPagingTests {
    static let allTasks = (1...250).map { "arn:aws:ecs:us-east-1:123456789012:task/c/\($0)" }

    /// Returns three ARNs per ListTasks page, and rejects DescribeTasks calls for more than
    /// 100 tasks.
    static func server(describeBatches: Recorder<Int> = Recorder()) throws -> StubHTTPServer {
        try StubHTTPServer { request in
            let input = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
            switch request.headers["x-amz-target"] {
            case "AmazonEC2ContainerServiceV20141113.ListTasks":
                let start = Int(input["nextToken"] as? String ?? "0") ?? 0
                let end = min(start + 3, 10)
                var output: [String: Any] = ["taskArns": Array(allTasks[start..<end])]
                if end < 10 { output["nextToken"] = String(end) }
                return .json(200, String(decoding: try! JSONSerialization.data(withJSONObject: output), as: UTF8.self))
            case "AmazonEC2ContainerServiceV20141113.DescribeTasks":
                let tasks = input["tasks"] as? [String] ?? []
                describeBatches.append(tasks.count)
                guard tasks.count <= 100 else {
                    return .json(400, #"{"__type":"InvalidParameterException","message":"Tasks cannot exceed 100."}"#)
                }
                let output = ["tasks": tasks.map { ["taskArn": $0] }, "failures": []]
                return .json(200, String(decoding: try! JSONSerialization.data(withJSONObject: output), as: UTF8.self))
            case "AmazonEC2ContainerServiceV20141113.RunTask":
                return .json(200, #"{"tasks":[{"taskArn":"t1"}],"failures":[{"arn":"i-1","reason":"RESOURCE:MEMORY"}]}"#)
            default:
                return .json(400, #"{"__type":"UnknownOperationException"}"#)
            }
        }
    }

    static func client(_ server: StubHTTPServer) throws -> AWSClient {
        try AWSClient(environment: [
            "AWS_ENDPOINT_URL_ECS": server.endpoint, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "HOME": "/nonexistent",
        ])
    }

    @Test func listTasksFollowsEveryPage() throws {
        let batches = Recorder<Int>()
        let server = try Self.server(describeBatches: batches)
        defer { server.stop() }

        let arns = try Self.client(server).ecs.listTasks(cluster: "c", family: "f", pageSize: 3)

        #expect(arns == Array(Self.allTasks[0..<10]))
        #expect(server.requests.count == 4)
        let pages = server.requests.compactMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }
        #expect(pages.map { $0["nextToken"] as? String } == [nil, "3", "6", "9"])
        #expect(pages.allSatisfy { $0["maxResults"] as? Int == 3 })
        #expect(pages.allSatisfy { $0["desiredStatus"] as? String == "RUNNING" })
    }

    @Test func describeTasksSendsBatchesOf100() throws {
        let batches = Recorder<Int>()
        let server = try Self.server(describeBatches: batches)
        defer { server.stop() }

        let tasks = try Self.client(server).ecs.describeTasks(cluster: "c", taskARNs: Self.allTasks)

        #expect(tasks.count == 250)
        #expect(batches.all == [100, 100, 50])
    }

    @Test func runTaskReturnsFailures() throws {
        let server = try Self.server()
        defer { server.stop() }

        let result = try Self.client(server).ecs.runTask(["cluster": "c", "taskDefinition": "f", "count": 2])

        #expect(result.tasks.count == 1)
        #expect(result.failures.first?["reason"] as? String == "RESOURCE:MEMORY")
    }
}
