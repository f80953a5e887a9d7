import Foundation
import Testing
@testable import JobModel

/// A trigger service that accepts the `sqs` type and requires its `queueName`.
struct SQSOnlyTriggers: TriggerService {
    var triggerTypes: [String] { ["sqs"] }

    func validate(trigger: [String: JSONValue]) throws(TriggerError) {
        guard trigger["type"] == "sqs" else { throw TriggerError("Unknown trigger type; loaded types: sqs.") }
        guard trigger["queueName"]?.stringValue != nil else { throw TriggerError("sqs trigger needs queueName") }
    }

    func desiredCount(for job: Job) throws(TriggerError) -> Int { 1 }
}

/// Returns the messages of `body`'s validation failure, or [:] when it is valid.
private func errors(creating body: [String: JSONValue], triggers: any TriggerService = NoTriggers())
    -> [String: [String]]
{
    do {
        _ = try JobValidator(triggers: triggers).validateNew(body)
        return [:]
    } catch {
        return error.errors
    }
}

private func errors(updating job: Job, with body: [String: JSONValue]) -> [String: [String]] {
    do {
        _ = try JobValidator().validateUpdate(body, of: job)
        return [:]
    } catch {
        return error.errors
    }
}

private let minimal: [String: JSONValue] = ["taskDefinition": "sleeper-task", "schedule": "* */5"]

private func with(_ extra: [String: JSONValue]) -> [String: JSONValue] {
    minimal.merging(extra) { _, new in new }
}

@Suite struct JobValidatorCreateTests {
    @Test func minimalJobGetsDefaults() throws {
        let job = try JobValidator().validateNew(minimal)
        #expect(job.id == "sleeper-task")
        #expect(job.taskDefinition == "sleeper-task")
        #expect(job.schedule == "* */5")
        #expect(job.taskCount == 1)
        #expect(job.suspended == false)
        #expect(job.maxCount == nil)
    }

    @Test func missingRequiredFieldsAreNamed() {
        let found = errors(creating: [:])
        #expect(found["taskDefinition"] == ["taskDefinition is required"])
        #expect(found["schedule"] == ["schedule is required"])
    }

    @Test func idAndTaskDefinitionFollowCharacterRule() {
        #expect(errors(creating: with(["taskDefinition": "sleeper task"]))["taskDefinition"] != nil)
        #expect(errors(creating: with(["id": "a.b"]))["id"] == ["id must contain only letters, digits, _ and -"])
        #expect(errors(creating: with(["id": ""]))["id"] == ["id must not be empty"])
        #expect(errors(creating: with(["id": .string(String(repeating: "a", count: 256))]))["id"] != nil)
        #expect(errors(creating: with(["id": "Good_id-9"])).isEmpty)
    }

    @Test func taskDefinitionRevisionIsAccepted() throws {
        let job = try JobValidator().validateNew(with(["taskDefinition": "sleeper-task:12"]))
        #expect(job.taskDefinition == "sleeper-task:12")
        #expect(job.id == "sleeper-task")
        #expect(errors(creating: with(["taskDefinition": "sleeper-task:0"]))["taskDefinition"] != nil)
        #expect(errors(creating: with(["taskDefinition": "sleeper-task:x"]))["taskDefinition"] != nil)
        #expect(errors(creating: with(["taskDefinition": "sleeper-task:"]))["taskDefinition"] != nil)
    }

    @Test func countsMustBeIntegersFromOneToFifty() {
        #expect(errors(creating: with(["taskCount": 0]))["taskCount"] == ["taskCount must be between 1 and 50, not 0"])
        #expect(errors(creating: with(["taskCount": 51]))["taskCount"] == ["taskCount must be between 1 and 50, not 51"])
        #expect(errors(creating: with(["maxCount": 51]))["maxCount"] == ["maxCount must be between 1 and 50, not 51"])
        #expect(errors(creating: with(["taskCount": 1.5]))["taskCount"] == ["taskCount must be an integer"])
        #expect(errors(creating: with(["taskCount": "3"]))["taskCount"] == ["taskCount must be an integer"])
        #expect(errors(creating: with(["taskCount": true]))["taskCount"] == ["taskCount must be an integer"])
        #expect(errors(creating: with(["taskCount": 1, "maxCount": 50])).isEmpty)
    }

    @Test func maxCountBelowTaskCountIsRejected() {
        let found = errors(creating: with(["taskCount": 5, "maxCount": 2]))
        #expect(found["maxCount"] == ["maxCount must be greater than or equal to taskCount (5)"])
    }

    @Test func instantsAreParsedAndOrdered() throws {
        let job = try JobValidator().validateNew(with([
            "scheduleStart": "2026-12-04T20:10:00+01:00", "scheduleEnd": "2026-12-05T00:00:00",
        ]))
        #expect(job.scheduleStart == Date(timeIntervalSince1970: 1_796_411_400))
        #expect(job.scheduleEnd == Date(timeIntervalSince1970: 1_796_428_800))
        #expect(errors(creating: with(["scheduleStart": "tomorrow"]))["scheduleStart"] != nil)
        #expect(errors(creating: with(["scheduleStart": 5]))["scheduleStart"] == ["scheduleStart must be a string"])
        let reversed = errors(creating: with([
            "scheduleStart": "2026-12-05T00:00:00Z", "scheduleEnd": "2026-12-04T00:00:00Z",
        ]))
        #expect(reversed["scheduleEnd"] == ["scheduleEnd must be later than scheduleStart"])
    }

    @Test func timezoneMustBeIANAName() throws {
        #expect(try JobValidator().validateNew(with(["timezone": "Europe/Berlin"])).timezone == "Europe/Berlin")
        #expect(errors(creating: with(["timezone": "Mars/Olympus"]))["timezone"] != nil)
    }

    @Test func wildcardsAreReplacedInRange() throws {
        for _ in 0..<50 {
            let job = try JobValidator().validateNew(with(["schedule": "? ? ?"]))
            let fields = job.schedule.split(separator: " ").compactMap { Int($0) }
            #expect(fields.count == 3)
            #expect((0..<60).contains(fields[0]))
            #expect((0..<60).contains(fields[1]))
            #expect((0..<24).contains(fields[2]))
        }
    }

    @Test func invalidSchedulesCarryEngineMessage() {
        for schedule in ["61", "mon-4", "* * * fri#2", "0 0 0 * * lastday", "1 2 3 4 5 6 7 8 9"] {
            let found = errors(creating: with(["schedule": .string(schedule)]))["schedule"]
            #expect(found?.count == 1, "\(schedule)")
            #expect(found?.first?.hasPrefix("schedule \(schedule) is invalid: ") == true, "\(found ?? [])")
        }
        #expect(errors(creating: with(["schedule": "0 0 0 * * 1 9"])).isEmpty)
        #expect(errors(creating: with(["schedule": "0 0 12 * * 2nd_fri"])).isEmpty)
    }

    @Test func rateScheduleStartsAtCreation() throws {
        let now = Date(timeIntervalSince1970: 1_796_411_400.75)
        let validator = JobValidator(now: { now })
        let job = try validator.validateNew(with(["schedule": "rate:5 minutes"]))
        #expect(job.scheduleStart == Date(timeIntervalSince1970: 1_796_411_400))
        let given = try validator.validateNew(with(["schedule": "rate:5 minutes", "scheduleStart": "2026-01-01T00:00:00Z"]))
        #expect(given.scheduleStart == Timestamp.parse("2026-01-01T00:00:00Z"))
        #expect(try validator.validateNew(minimal).scheduleStart == nil)
    }

    @Test func cronFormWildcardsAreReplaced() throws {
        let job = try JobValidator().validateNew(with(["schedule": "cron:? ? * * 1-5"]))
        #expect(!job.schedule.contains("?"))
        #expect(job.schedule.hasPrefix("cron:"))
    }

    @Test func emptyScheduleIsRejected() {
        #expect(errors(creating: with(["schedule": "  "]))["schedule"] == ["schedule must not be empty"])
        #expect(errors(creating: with(["schedule": 5]))["schedule"] == ["schedule must be a string"])
    }

    @Test func triggerNeedsTypeAndService() throws {
        #expect(errors(creating: with(["trigger": "sqs"]))["trigger"] != nil)
        #expect(errors(creating: with(["trigger": ["queueName": "q"]]))["trigger"]
            == ["trigger.type must be a non-empty string naming the trigger type"])
        #expect(errors(creating: with(["trigger": ["type": "sqs", "queueName": "q"]]))["trigger"]
            == ["Unknown trigger type sqs; no trigger types are loaded."])
        let sqs = SQSOnlyTriggers()
        #expect(errors(creating: with(["trigger": ["type": "sqs"]]), triggers: sqs)["trigger"]
            == ["sqs trigger needs queueName"])
        let job = try JobValidator(triggers: sqs).validateNew(with([
            "trigger": ["type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100],
        ]))
        #expect(job.trigger?["queueName"] == "consumer-task-queue")
    }

    @Test func overridesAreChecked() throws {
        let job = try JobValidator().validateNew(with([
            "overrides": [[
                "containerName": "sleeper-container", "environment": ["SLEEP_SECONDS": "10"],
                "command": ["sleep", "10"], "cpu": 256, "memory": 512,
            ]],
        ]))
        #expect(job.overrides == [ContainerOverride(containerName: "sleeper-container",
                                                    environment: ["SLEEP_SECONDS": "10"],
                                                    command: ["sleep", "10"], cpu: 256, memory: 512)])
        let cases: [(JSONValue, String)] = [
            ("x", "overrides must be an array of {containerName, environment} objects"),
            ([["environment": [:]]], "overrides[0].containerName must be a non-empty string"),
            ([["containerName": "c", "environment": ["A": 1]]], "overrides[0].environment.A must be a string"),
            ([["containerName": "c", "environment": ["ECS_SCHEDULER_OVERRIDE_TAG": "x"]]],
             "overrides[0].environment must not set ECS_SCHEDULER_OVERRIDE_TAG; the scheduler sets it to the job id"),
            ([["containerName": "c", "env": [:]]],
             "overrides[0].env is not a known field; use command, containerName, cpu, environment, memory"),
            ([["containerName": "c"], ["containerName": "c"]], "overrides[1].containerName c appears twice"),
            ([["containerName": "c", "cpu": -1]], "overrides[0].cpu must be an integer between 0 and 1048576"),
            ([["containerName": "c", "command": [1]]], "overrides[0].command must contain only non-empty strings"),
            ([["containerName": "c", "memory": nil]], "overrides[0].memory must be an integer between 0 and 1048576"),
            ([["containerName": "c", "environment": nil]],
             "overrides[0].environment must be an object of \"NAME\": \"VALUE\" strings"),
        ]
        for (overrides, message) in cases {
            #expect(errors(creating: with(["overrides": overrides]))["overrides"] == [message], "\(overrides)")
        }
    }

    @Test func readOnlyAndUnknownFieldsAreRejected() {
        let found = errors(creating: with([
            "lastRun": "2026-01-01T00:00:00Z", "lastRunTasks": [], "estimatedNextRun": "x", "link": [:],
            "scheduledEnd": "2026-01-01T00:00:00Z", "color": "red",
        ]))
        #expect(found["lastRun"] == ["lastRun is read-only because the scheduler sets it"])
        #expect(found["lastRunTasks"] != nil)
        #expect(found["estimatedNextRun"] != nil)
        #expect(found["link"] != nil)
        #expect(found["scheduledEnd"] == ["scheduledEnd is not a known field (did you mean scheduleEnd?)"])
        #expect(found["color"] == ["color is not a known field"])
    }

    @Test func nullMeansAbsentOnCreate() throws {
        let job = try JobValidator().validateNew(with(["maxCount": nil, "timezone": nil, "id": nil]))
        #expect(job.maxCount == nil)
        #expect(job.id == "sleeper-task")
    }

    @Test func messageListsEveryError() {
        do {
            _ = try JobValidator().validateNew(["taskDefinition": "t", "schedule": "0", "taskCount": 99, "foo": 1])
            Issue.record("expected a validation error")
        } catch {
            #expect(error.message == "Invalid job: foo is not a known field; taskCount must be between 1 and 50, not 99.")
        }
    }
}

@Suite struct JobValidatorRunTaskTests {
    @Test func validRunTaskFieldsPassThrough() throws {
        let network: JSONValue = ["awsvpcConfiguration": [
            "subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "ENABLED",
        ]]
        let job = try JobValidator().validateNew(with([
            "cluster": "other", "launchType": "FARGATE", "platformVersion": "1.4.0",
            "networkConfiguration": network, "group": "family:batch",
            "tags": [["key": "team", "value": "data"]], "propagateTags": "TASK_DEFINITION",
            "enableExecuteCommand": true,
        ]))
        #expect(job.cluster == "other")
        #expect(job.launchType == "FARGATE")
        #expect(job.networkConfiguration == network)
        #expect(job.tags == [["key": "team", "value": "data"]])
        #expect(job.propagateTags == "TASK_DEFINITION")
        #expect(job.enableExecuteCommand == true)
    }

    @Test func invalidRunTaskFieldsAreNamed() {
        #expect(errors(creating: with(["launchType": "MOON"]))["launchType"]
            == ["launchType must be one of EC2, FARGATE, EXTERNAL"])
        #expect(errors(creating: with(["propagateTags": "ALL"]))["propagateTags"]
            == ["propagateTags must be one of TASK_DEFINITION, SERVICE, NONE"])
        #expect(errors(creating: with(["cluster": ""]))["cluster"] == ["cluster must not be empty"])
        #expect(errors(creating: with(["enableExecuteCommand": "yes"]))["enableExecuteCommand"]
            == ["enableExecuteCommand must be true or false"])
        let emptySubnets = errors(creating: with(["networkConfiguration": ["awsvpcConfiguration": ["subnets": []]]]))
        #expect(emptySubnets["networkConfiguration"]
            == ["networkConfiguration.awsvpcConfiguration.subnets must not be empty"])
        let noSubnets = errors(creating: with(["networkConfiguration": ["awsvpcConfiguration": [:]]]))
        #expect(noSubnets["networkConfiguration"] == ["networkConfiguration.awsvpcConfiguration.subnets is required"])
        let badAssign = errors(creating: with(["networkConfiguration": [
            "awsvpcConfiguration": ["subnets": ["s"], "assignPublicIp": "YES"],
        ]]))
        #expect(badAssign["networkConfiguration"]
            == ["networkConfiguration.awsvpcConfiguration.assignPublicIp must be ENABLED or DISABLED"])
        #expect(errors(creating: with(["tags": [["value": "v"]]]))["tags"]
            == ["tags[0].key must be a string of 1 to 128 characters"])
        let noProvider = errors(creating: with(["capacityProviderStrategy": [["weight": 1]]]))
        #expect(noProvider["capacityProviderStrategy"]
            == ["capacityProviderStrategy[0].capacityProvider must be a non-empty string"])
        let heavy = errors(creating: with(["capacityProviderStrategy": [["capacityProvider": "FARGATE", "weight": 1001]]]))
        #expect(heavy["capacityProviderStrategy"]
            == ["capacityProviderStrategy[0].weight must be an integer between 0 and 1000"])
    }

    @Test func launchTypeExcludesCapacityProviders() {
        let found = errors(creating: with([
            "launchType": "FARGATE", "capacityProviderStrategy": [["capacityProvider": "FARGATE_SPOT"]],
        ]))
        #expect(found["launchType"] == ["launchType and capacityProviderStrategy cannot both be set; remove one"])
    }
}

@Suite struct JobValidatorUpdateTests {
    let job: Job = {
        var job = Job(id: "consumer-task", taskDefinition: "consumer-task", schedule: "5 */3")
        job.maxCount = 4
        job.timezone = "Europe/Berlin"
        job.lastRun = Date(timeIntervalSince1970: 1_796_411_400)
        return job
    }()

    @Test func givenFieldsReplaceOthersStay() throws {
        let updated = try JobValidator().validateUpdate(["maxCount": 10], of: job)
        #expect(updated.maxCount == 10)
        #expect(updated.schedule == "5 */3")
        #expect(updated.timezone == "Europe/Berlin")
        #expect(updated.lastRun == job.lastRun)
    }

    @Test func nullClearsOptionalFields() throws {
        let updated = try JobValidator().validateUpdate(["maxCount": nil, "timezone": nil], of: job)
        #expect(updated.maxCount == nil)
        #expect(updated.timezone == nil)
        #expect(errors(updating: job, with: ["schedule": nil])["schedule"] == ["schedule must not be null"])
        #expect(errors(updating: job, with: ["taskCount": nil])["taskCount"] == ["taskCount must not be null"])
    }

    @Test func idCannotChange() throws {
        #expect(errors(updating: job, with: ["id": "other"])["id"] == ["id cannot be changed; it is consumer-task"])
        #expect(try JobValidator().validateUpdate(["id": "consumer-task"], of: job).id == "consumer-task")
    }

    @Test func rateScheduleOnUpdateGetsStart() throws {
        let now = Date(timeIntervalSince1970: 1_796_411_400)
        let updated = try JobValidator(now: { now }).validateUpdate(["schedule": "rate:1 hour"], of: job)
        #expect(updated.scheduleStart == now)
        #expect(try JobValidator(now: { now }).validateUpdate(["maxCount": 5], of: job).scheduleStart == nil)
    }

    @Test func wildcardIsReplacedOnUpdate() throws {
        let updated = try JobValidator().validateUpdate(["schedule": "? */5"], of: job)
        let second = try #require(Int(updated.schedule.split(separator: " ")[0]))
        #expect((0..<60).contains(second))
        #expect(updated.schedule.hasSuffix(" */5"))
    }

    @Test func crossFieldRulesUseMergedJob() {
        #expect(errors(updating: job, with: ["taskCount": 5])["maxCount"]
            == ["maxCount must be greater than or equal to taskCount (5)"])
        #expect(errors(updating: job, with: ["lastRun": nil])["lastRun"]
            == ["lastRun is read-only because the scheduler sets it"])
    }
}

@Suite struct JobValidatorStoredTests {
    @Test func storedFormRoundTrips() throws {
        var job = Job(id: "long-sleep-task", taskDefinition: "sleeper-task", schedule: "9 */7")
        job.overrides = [ContainerOverride(containerName: "sleeper-container", environment: ["SLEEP_SECONDS": "10"])]
        job.scheduleStart = Date(timeIntervalSince1970: 1_796_411_400)
        job.trigger = ["type": "sqs", "queueName": "q"]
        job.suspended = true
        job.lastRun = Date(timeIntervalSince1970: 1_796_411_460)
        job.lastRunTasks = [StartedTask(taskId: "arn:aws:ecs:task/1", hostId: nil)]
        job.estimatedNextRun = Date(timeIntervalSince1970: 1_796_411_880)
        job.launchType = "EC2"
        let decoded = try JobValidator.decodeStored(id: "long-sleep-task", json: job.storedJSON())
        #expect(decoded == job)
    }

    @Test func pythonToolDocumentLoads() throws {
        let document = """
            {"taskDefinition": "sleeper-task", "schedule": "27 */5", "taskCount": 2, "maxCount": 4,
             "scheduleStart": "2017-06-01T08:00:00-05:00", "timezone": "US/Central", "suspended": false,
             "parsedSchedule": {"second": "27", "minute": "*/5"},
             "lastRun": "2017-06-02T10:05:27+00:00",
             "lastRunTasks": [{"taskId": "arn:aws:ecs:us-east-1:1:task/abc", "hostId": "arn:aws:ecs:us-east-1:1:container-instance/def"}],
             "estimatedNextRun": "2017-06-02T10:10:27+00:00",
             "overrides": [{"containerName": "sleeper", "environment": {"SLEEP": "5"}}]}
            """
        let job = try JobValidator.decodeStored(id: "sleeper-task", json: document)
        #expect(job.taskCount == 2)
        #expect(job.scheduleStart == Timestamp.parse("2017-06-01T13:00:00Z"))
        #expect(job.lastRunTasks?.first?.hostId == "arn:aws:ecs:us-east-1:1:container-instance/def")
        #expect(job.suspended == false)
        #expect(job.overrides?.first?.environment == ["SLEEP": "5"])
    }

    @Test func invalidStoredDocumentsGiveReasons() {
        let cases: [(String, String)] = [
            ("not json", "document"),
            ("[1]", "document"),
            (#"{"schedule": "0"}"#, "taskDefinition"),
            (#"{"taskDefinition": "t", "schedule": "0", "taskCount": 80}"#, "taskCount"),
            (#"{"taskDefinition": "t", "schedule": "0", "futureField": 1}"#, "futureField"),
            (#"{"taskDefinition": "t", "schedule": "0", "lastRun": "never"}"#, "lastRun"),
        ]
        for (json, field) in cases {
            do {
                _ = try JobValidator.decodeStored(id: "t", json: json)
                Issue.record("\(json) was accepted")
            } catch {
                #expect(error.errors[field] != nil, "\(json): \(error.message)")
            }
        }
    }

    @Test func storedIDMustFollowRule() {
        #expect(throws: JobValidationError.self) {
            try JobValidator.decodeStored(id: "bad id", json: #"{"taskDefinition": "t", "schedule": "0"}"#)
        }
    }
}
