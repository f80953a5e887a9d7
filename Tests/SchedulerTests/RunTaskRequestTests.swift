import Foundation
import JobModel
@testable import Scheduler
import Testing

@Suite("RunTask requests")
struct RunTaskRequestTests {
    @Test("batches hold at most ten tasks")
    func batches() {
        #expect(RunTaskRequest.batchSizes(for: 0) == [])
        #expect(RunTaskRequest.batchSizes(for: 3) == [3])
        #expect(RunTaskRequest.batchSizes(for: 10) == [10])
        #expect(RunTaskRequest.batchSizes(for: 25) == [10, 10, 5])
    }

    @Test("client token is stable and distinct")
    func clientToken() {
        let token = RunTaskRequest.clientToken(jobID: "nightly", scheduledAt: epoch, batch: 0)
        #expect(token.count == 64)
        #expect(token.allSatisfy { $0.isHexDigit })
        #expect(token == token.lowercased())
        #expect(token == RunTaskRequest.clientToken(jobID: "nightly", scheduledAt: epoch, batch: 0))
        #expect(token != RunTaskRequest.clientToken(jobID: "nightly", scheduledAt: epoch, batch: 1))
        #expect(token != RunTaskRequest.clientToken(jobID: "nightly", scheduledAt: epoch.addingTimeInterval(1), batch: 0))
        #expect(token != RunTaskRequest.clientToken(jobID: "hourly", scheduledAt: epoch, batch: 0))
    }

    @Test("minimal job gives a minimal body")
    func minimalInput() {
        let job = Job(id: "sleeper", taskDefinition: "sleeper-task", schedule: "* */5")
        let input = JSONValue(foundation: RunTaskRequest.input(
            job: job, cluster: "main", startedBy: "ecs-scheduler", count: 3, clientToken: "t"))
        #expect(input == [
            "cluster": "main", "taskDefinition": "sleeper-task", "count": 3,
            "startedBy": "ecs-scheduler", "clientToken": "t",
        ])
    }

    @Test("overrides carry the job tag and the RunTask fields pass through")
    func fullInput() throws {
        var job = Job(id: "long-sleep", taskDefinition: "sleeper-task", schedule: "* */5")
        job.overrides = [
            ContainerOverride(containerName: "sleeper", environment: ["SLEEP_SECONDS": "10", "A": "1"],
                              command: ["sleep", "10"], cpu: 256, memory: 512),
            ContainerOverride(containerName: "sidecar"),
        ]
        job.launchType = "FARGATE"
        job.platformVersion = "1.4.0"
        job.networkConfiguration = ["awsvpcConfiguration": ["subnets": ["subnet-1"], "assignPublicIp": "ENABLED"]]
        job.group = "batch"
        job.tags = [["key": "team", "value": "data"]]
        job.propagateTags = "TASK_DEFINITION"
        job.enableExecuteCommand = true
        let input = try #require(JSONValue(foundation: RunTaskRequest.input(
            job: job, cluster: "main", startedBy: "me", count: 1, clientToken: "t")))

        let containers = input["overrides"]?["containerOverrides"]?.arrayValue ?? []
        #expect(containers.count == 2)
        #expect(containers.first == [
            "name": "sleeper",
            "environment": [
                ["name": "A", "value": "1"],
                ["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": "long-sleep"],
                ["name": "SLEEP_SECONDS", "value": "10"],
            ],
            "command": ["sleep", "10"], "cpu": 256, "memory": 512,
        ])
        #expect(containers.last == [
            "name": "sidecar", "environment": [["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": "long-sleep"]],
        ])
        #expect(input["launchType"] == "FARGATE")
        #expect(input["platformVersion"] == "1.4.0")
        #expect(input["networkConfiguration"] == job.networkConfiguration)
        #expect(input["group"] == "batch")
        #expect(input["tags"] == job.tags)
        #expect(input["propagateTags"] == "TASK_DEFINITION")
        #expect(input["enableExecuteCommand"] == true)
        #expect(input["capacityProviderStrategy"] == nil)
    }

    @Test("capacity provider strategy passes through")
    func capacityProviders() {
        var job = Job(id: "spot", taskDefinition: "spot", schedule: "0")
        job.capacityProviderStrategy = [["capacityProvider": "FARGATE_SPOT", "weight": 1]]
        let input = JSONValue(foundation: RunTaskRequest.input(
            job: job, cluster: "main", startedBy: "me", count: 1, clientToken: "t"))
        #expect(input?["capacityProviderStrategy"] == job.capacityProviderStrategy)
        #expect(input?["launchType"] == nil)
    }

    @Test("family of a task definition")
    func family() {
        #expect(RunTaskRequest.family(of: "sleeper-task") == "sleeper-task")
        #expect(RunTaskRequest.family(of: "sleeper-task:7") == "sleeper-task")
        #expect(RunTaskRequest.family(of: "arn:aws:ecs:us-east-1:123456789012:task-definition/sleeper:7") == "sleeper")
    }

    @Test("tag found in container overrides")
    func tagged() {
        let tagged: [String: Any] = ["overrides": ["containerOverrides": [
            ["name": "a", "environment": [["name": "OTHER", "value": "x"]]],
            ["name": "b", "environment": [["name": "ECS_SCHEDULER_OVERRIDE_TAG", "value": "job-1"]]],
        ]]]
        #expect(RunTaskRequest.isTagged(task: tagged, jobID: "job-1"))
        #expect(!RunTaskRequest.isTagged(task: tagged, jobID: "job-2"))
        #expect(!RunTaskRequest.isTagged(task: ["overrides": [String: Any]()], jobID: "job-1"))
        #expect(!RunTaskRequest.isTagged(task: ["overrides": ["containerOverrides": [Any]()]], jobID: "job-1"))
        #expect(!RunTaskRequest.isTagged(task: [:], jobID: "job-1"))
    }
}
