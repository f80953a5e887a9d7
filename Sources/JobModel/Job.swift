import Foundation
// Jobs carry JSONValue fields, so every user of JobModel needs the type.
@_exported import JSONCore

/// A scheduled job: what to start on ECS, when, and what the scheduler last did with it.
///
/// Field names match the REST API and the stored JSON. Values here are already validated;
/// `JobValidator` builds them from request bodies and stored documents.
public struct Job: Sendable, Equatable {
    /// Unique, immutable; letters, digits, `_` and `-`.
    public var id: String
    /// ECS task definition family (optionally `family:revision`).
    public var taskDefinition: String
    /// The schedule text as stored (with any `?` already replaced).
    public var schedule: String
    public var scheduleStart: Date?
    public var scheduleEnd: Date?
    /// IANA time zone name the schedule is read in; nil means UTC.
    public var timezone: String?
    /// Minimum number of tasks that should be running after a fire (1...50).
    public var taskCount: Int
    /// Maximum number of tasks a fire may leave running (1...50); nil means no cap beyond 50.
    public var maxCount: Int?
    /// The trigger object, with its `type` member.
    public var trigger: [String: JSONValue]?
    public var suspended: Bool
    public var overrides: [ContainerOverride]?

    // Set by the scheduler only.
    public var lastRun: Date?
    public var lastRunTasks: [StartedTask]?
    public var estimatedNextRun: Date?

    // RunTask parameters, passed to ECS as they are (see the ECS RunTask API reference).
    public var cluster: String?
    public var launchType: String?
    public var capacityProviderStrategy: JSONValue?
    public var platformVersion: String?
    public var networkConfiguration: JSONValue?
    public var group: String?
    public var tags: JSONValue?
    public var propagateTags: String?
    public var enableExecuteCommand: Bool?

    public init(id: String, taskDefinition: String, schedule: String) {
        self.id = id
        self.taskDefinition = taskDefinition
        self.schedule = schedule
        self.taskCount = 1
        self.suspended = false
    }

    /// The API path of the job.
    public var href: String { "/jobs/\(id)" }

    /// The `link` object of API responses.
    public var link: JSONValue {
        ["href": .string(href), "rel": "item", "title": .string("Job for \(id)")]
    }

    /// Returns the job as a JSON object: the stored format without `id`, or the API format
    /// with `id` and `link`. Unset members are left out, and `suspended` appears only when true.
    public func jsonObject(includeID: Bool) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "taskDefinition": .string(taskDefinition),
            "schedule": .string(schedule),
            "taskCount": .number(Double(taskCount)),
        ]
        if includeID {
            object["id"] = .string(id)
            object["link"] = link
        }
        object["scheduleStart"] = scheduleStart.map { .string(Timestamp.format($0)) }
        object["scheduleEnd"] = scheduleEnd.map { .string(Timestamp.format($0)) }
        object["timezone"] = timezone.map { .string($0) }
        object["maxCount"] = maxCount.map { .number(Double($0)) }
        object["trigger"] = trigger.map { .object($0) }
        if suspended { object["suspended"] = .bool(true) }
        object["overrides"] = overrides.map { .array($0.map(\.jsonValue)) }
        object["lastRun"] = lastRun.map { .string(Timestamp.format($0)) }
        object["lastRunTasks"] = lastRunTasks.map { .array($0.map(\.jsonValue)) }
        object["estimatedNextRun"] = estimatedNextRun.map { .string(Timestamp.format($0)) }
        object["cluster"] = cluster.map { .string($0) }
        object["launchType"] = launchType.map { .string($0) }
        object["capacityProviderStrategy"] = capacityProviderStrategy
        object["platformVersion"] = platformVersion.map { .string($0) }
        object["networkConfiguration"] = networkConfiguration
        object["group"] = group.map { .string($0) }
        object["tags"] = tags
        object["propagateTags"] = propagateTags.map { .string($0) }
        object["enableExecuteCommand"] = enableExecuteCommand.map { .bool($0) }
        return object
    }

    /// Returns the stored form: the JSON text of `jsonObject(includeID: false)`.
    public func storedJSON() -> String {
        JSONValue.object(jsonObject(includeID: false)).serializedString()
    }
}

/// Per-container overrides of a job, as in ECS `containerOverrides`.
public struct ContainerOverride: Sendable, Equatable {
    public var containerName: String
    /// Environment variables added to the container.
    public var environment: [String: String]
    public var command: [String]?
    public var cpu: Int?
    public var memory: Int?

    public init(containerName: String, environment: [String: String] = [:], command: [String]? = nil,
                cpu: Int? = nil, memory: Int? = nil) {
        self.containerName = containerName
        self.environment = environment
        self.command = command
        self.cpu = cpu
        self.memory = memory
    }

    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "containerName": .string(containerName),
            "environment": .object(environment.mapValues { .string($0) }),
        ]
        object["command"] = command.map { .array($0.map { .string($0) }) }
        object["cpu"] = cpu.map { .number(Double($0)) }
        object["memory"] = memory.map { .number(Double($0)) }
        return .object(object)
    }
}

/// A task a fire started: its ARN and the container instance it was placed on.
public struct StartedTask: Sendable, Equatable {
    public var taskId: String
    /// Container instance ARN; nil for Fargate tasks.
    public var hostId: String?

    public init(taskId: String, hostId: String?) {
        self.taskId = taskId
        self.hostId = hostId
    }

    public var jsonValue: JSONValue {
        ["taskId": .string(taskId), "hostId": hostId.map { .string($0) } ?? .null]
    }
}
