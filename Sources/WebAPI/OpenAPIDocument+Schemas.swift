import JobModel

extension OpenAPIDocument {
    static let schemas: JSONValue = [
        "Error": [
            "type": "object",
            "required": ["message"],
            "properties": [
                "message": ["type": "string", "description": "What is wrong and how to fix it"],
                "errors": [
                    "type": "object",
                    "description": "Messages per field, each naming the field and the rule",
                    "additionalProperties": ["type": "array", "items": ["type": "string"]],
                ],
            ],
        ],
        "Link": [
            "type": "object",
            "required": ["rel", "title", "href"],
            "properties": ["rel": ["type": "string"], "title": ["type": "string"], "href": ["type": "string"]],
        ],
        "Resources": [
            "type": "object",
            "required": ["resources"],
            "properties": [
                "resources": [
                    "type": "array",
                    "items": ["type": "object", "required": ["link"], "properties": ["link": ref("Link")]],
                ],
            ],
        ],
        "JobCommitted": [
            "type": "object",
            "required": ["id", "link"],
            "properties": ["id": ["type": "string"], "link": ref("Link")],
        ],
        "JobList": [
            "type": "object",
            "required": ["jobs"],
            "properties": [
                "jobs": ["type": "array", "items": ref("Job")],
                "prev": ["type": "string", "description": "The previous page, as /jobs?skip=0&count=10"],
                "next": ["type": "string", "description": "The next page, as /jobs?skip=20&count=10"],
            ],
        ],
        "Job": job,
        "JobCreate": jobCreate,
        "JobUpdate": jobUpdate,
        "Trigger": [
            "type": "object",
            "required": ["type"],
            "description": "An extra condition checked at each fire; the other members depend on the type",
            "properties": ["type": ["type": "string", "minLength": 1, "description": "A loaded trigger type, such as sqs"]],
            "additionalProperties": true,
        ],
        "ContainerOverride": [
            "type": "object",
            "required": ["containerName"],
            "additionalProperties": false,
            "properties": [
                "containerName": ["type": "string", "minLength": 1],
                "environment": [
                    "type": "object",
                    "description": "Variables added to the container; ECS_SCHEDULER_OVERRIDE_TAG is reserved",
                    "additionalProperties": ["type": "string"],
                ],
                "command": ["type": "array", "items": ["type": "string", "minLength": 1]],
                "cpu": ["type": "integer", "minimum": 0, "maximum": 1_048_576],
                "memory": ["type": "integer", "minimum": 0, "maximum": 1_048_576],
            ],
        ],
        "StartedTask": [
            "type": "object",
            "required": ["taskId"],
            "properties": [
                "taskId": ["type": "string", "description": "The task ARN"],
                "hostId": ["type": "string", "nullable": true, "description": "The container instance ARN"],
            ],
        ],
        "CapacityProviderStrategyItem": [
            "type": "object",
            "required": ["capacityProvider"],
            "additionalProperties": false,
            "properties": [
                "capacityProvider": ["type": "string", "minLength": 1],
                "weight": ["type": "integer", "minimum": 0, "maximum": 1_000],
                "base": ["type": "integer", "minimum": 0, "maximum": 100_000],
            ],
        ],
        "NetworkConfiguration": [
            "type": "object",
            "required": ["awsvpcConfiguration"],
            "additionalProperties": false,
            "properties": [
                "awsvpcConfiguration": [
                    "type": "object",
                    "required": ["subnets"],
                    "additionalProperties": false,
                    "properties": [
                        "subnets": ["type": "array", "minItems": 1, "maxItems": 16,
                                    "items": ["type": "string", "minLength": 1]],
                        "securityGroups": ["type": "array", "maxItems": 5, "items": ["type": "string", "minLength": 1]],
                        "assignPublicIp": ["type": "string", "enum": ["ENABLED", "DISABLED"]],
                    ],
                ],
            ],
        ],
        "Tag": [
            "type": "object",
            "required": ["key"],
            "additionalProperties": false,
            "properties": [
                "key": ["type": "string", "minLength": 1, "maxLength": 128],
                "value": ["type": "string", "maxLength": 256],
            ],
        ],
    ]

    /// The fields a client may write, with their rules; shared by create and update.
    static let writableProperties: [String: JSONValue] = [
        "id": [
            "type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 255,
            "description": "Defaults to the family of taskDefinition; cannot change once created",
        ],
        "taskDefinition": [
            "type": "string", "pattern": "^[A-Za-z0-9_-]+(:[1-9][0-9]*)?$", "maxLength": 266,
            "description": "ECS task definition family, optionally with :revision",
        ],
        "schedule": [
            "type": "string", "minLength": 1,
            "description": """
                Up to eight space-separated cron fields: second minute hour day_of_week week day month year; \
                or classic five-field cron after cron:, or an interval after rate: such as rate:5 minutes. \
                ? in the second, minute or hour field is replaced by a random value. A rate: schedule \
                without scheduleStart counts from the creation time.
                """,
        ],
        "scheduleStart": ["type": "string", "description": "ISO-8601 instant; no offset means UTC"],
        "scheduleEnd": ["type": "string", "description": "ISO-8601 instant, later than scheduleStart"],
        "timezone": ["type": "string", "description": "IANA time zone the schedule is read in; default UTC"],
        "taskCount": ["type": "integer", "minimum": 1, "maximum": 50, "default": 1],
        "maxCount": ["type": "integer", "minimum": 1, "maximum": 50, "description": "At least taskCount"],
        "trigger": ref("Trigger"),
        "suspended": ["type": "boolean", "default": false],
        "overrides": ["type": "array", "items": ref("ContainerOverride")],
        "cluster": ["type": "string", "minLength": 1, "description": "ECS cluster; default ECSS_ECS_CLUSTER"],
        "launchType": ["type": "string", "enum": ["EC2", "FARGATE", "EXTERNAL"],
                       "description": "Not together with capacityProviderStrategy"],
        "capacityProviderStrategy": [
            "type": "array", "minItems": 1, "maxItems": 20, "items": ref("CapacityProviderStrategyItem"),
        ],
        "platformVersion": ["type": "string", "minLength": 1],
        "networkConfiguration": ref("NetworkConfiguration"),
        "group": ["type": "string", "minLength": 1, "maxLength": 255],
        "tags": ["type": "array", "maxItems": 50, "items": ref("Tag")],
        "propagateTags": ["type": "string", "enum": ["TASK_DEFINITION", "SERVICE", "NONE"]],
        "enableExecuteCommand": ["type": "boolean"],
    ]

    static let readOnlyProperties: [String: JSONValue] = [
        "link": ref("Link"),
        "lastRun": ["type": "string", "description": "Scheduled time of the last fire that started tasks"],
        "lastRunTasks": ["type": "array", "items": ref("StartedTask")],
        "estimatedNextRun": ["type": "string", "description": "The next fire time"],
    ]

    static let job: JSONValue = .object([
        "type": "object",
        "required": ["id", "link", "taskDefinition", "schedule", "taskCount"],
        "properties": .object(writableProperties.merging(readOnlyProperties) { first, _ in first }),
    ])

    /// Create bodies: `taskDefinition` and `schedule` are required, and `null` in an
    /// optional field (or `id`) means the field is absent.
    static let jobCreate: JSONValue = .object([
        "type": "object",
        "required": ["taskDefinition", "schedule"],
        "additionalProperties": false,
        "properties": .object(allowingNull(in: writableProperties, names: optionalFields + ["id"])),
    ])

    /// Update bodies: every field optional, and `null` clears the optional ones.
    static let jobUpdate: JSONValue = .object([
        "type": "object",
        "additionalProperties": false,
        "properties": .object(allowingNull(in: writableProperties, names: optionalFields)),
    ])

    /// The fields that `null` clears; the others (taskDefinition, schedule, taskCount,
    /// suspended) always have a value.
    static let optionalFields = [
        "scheduleStart", "scheduleEnd", "timezone", "maxCount", "trigger", "overrides", "cluster", "launchType",
        "capacityProviderStrategy", "platformVersion", "networkConfiguration", "group", "tags", "propagateTags",
        "enableExecuteCommand",
    ]

    /// Marks the properties `names` as nullable.
    static func allowingNull(in properties: [String: JSONValue], names: [String]) -> [String: JSONValue] {
        var result = properties
        for name in names {
            guard case .object(var schema)? = result[name] else { continue }
            if schema["$ref"] != nil {
                // OpenAPI 3.0 ignores siblings of $ref, so the reference moves into allOf.
                result[name] = ["nullable": true, "allOf": [.object(schema)]]
                continue
            }
            schema["nullable"] = true
            // In OpenAPI 3.0 an enum must list null itself for `nullable` to admit it.
            if case .array(let values)? = schema["enum"] {
                schema["enum"] = .array(values + [.null])
            }
            result[name] = .object(schema)
        }
        return result
    }
}
