import Foundation

/// Reads the members of a job document into a `Job`, collecting a message per broken rule.
struct JobFieldDecoder {
    enum Mode {
        /// A `POST` body: `null` means absent; read-only fields are rejected.
        case create
        /// A `PUT` body: `null` clears an optional field; read-only fields are rejected.
        case update
        /// A stored document: read-only fields are read; triggers are not checked by plugins.
        case stored
    }

    /// Fields a client may set.
    static let writableFields: Set<String> = [
        "id", "taskDefinition", "schedule", "scheduleStart", "scheduleEnd", "timezone", "taskCount", "maxCount",
        "trigger", "suspended", "overrides", "cluster", "launchType", "capacityProviderStrategy", "platformVersion",
        "networkConfiguration", "group", "tags", "propagateTags", "enableExecuteCommand",
    ]
    /// Fields only the daemon sets.
    static let readOnlyFields: Set<String> = ["lastRun", "lastRunTasks", "estimatedNextRun", "link"]
    /// Members the original Python tool stored that this daemon derives instead.
    static let legacyStoredFields: Set<String> = ["parsedSchedule"]

    let mode: Mode
    let triggers: any TriggerService
    var errors = FieldErrors()

    init(mode: Mode, triggers: any TriggerService) {
        self.mode = mode
        self.triggers = triggers
    }

    mutating func apply(_ object: [String: JSONValue], to job: inout Job) {
        for (field, value) in object.sorted(by: { $0.key < $1.key }) {
            apply(field: field, value: value, to: &job)
        }
    }

    private mutating func apply(field: String, value: JSONValue, to job: inout Job) {
        if Self.readOnlyFields.contains(field) {
            if mode == .stored {
                applyReadOnly(field: field, value: value, to: &job)
            } else {
                errors.add(field, "\(field) is read-only because the scheduler sets it")
            }
            return
        }
        guard Self.writableFields.contains(field) else {
            if mode == .stored, Self.legacyStoredFields.contains(field) { return }
            errors.add(field, unknownFieldMessage(field))
            return
        }
        if value == .null {
            applyNull(field: field, to: &job)
            return
        }
        applyWritable(field: field, value: value, to: &job)
    }

    private mutating func applyWritable(field: String, value: JSONValue, to job: inout Job) {
        switch field {
        case "id":
            // The id of a stored job is its key; the caller compares the two.
            guard mode != .stored else { return }
            if let id = string(field, value) {
                if let problem = TaskDefinitionName.problem(inID: id) { errors.add(field, problem) }
                job.id = id
            }
        case "taskDefinition":
            if let text = string(field, value) {
                if let problem = TaskDefinitionName.problem(inTaskDefinition: text) { errors.add(field, problem) }
                job.taskDefinition = text
            }
        case "schedule":
            if let text = string(field, value) { applySchedule(text, to: &job) }
        case "scheduleStart": job.scheduleStart = instant(field, value)
        case "scheduleEnd": job.scheduleEnd = instant(field, value)
        case "timezone":
            if let name = string(field, value) {
                if ScheduleRules.isTimeZone(name) {
                    job.timezone = name
                } else {
                    errors.add(field, "timezone must be an IANA time zone name such as Europe/Berlin, not \(name)")
                }
            }
        case "taskCount": job.taskCount = count(field, value) ?? job.taskCount
        case "maxCount": job.maxCount = count(field, value)
        case "trigger": job.trigger = trigger(value)
        case "suspended": job.suspended = bool(field, value) ?? job.suspended
        case "overrides": job.overrides = overrides(value)
        default: applyRunTaskField(field: field, value: value, to: &job)
        }
    }

    private mutating func applySchedule(_ text: String, to job: inout Job) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            errors.add("schedule", "schedule must not be empty")
            return
        }
        // `?` is checked as the value it will be replaced with.
        let checked = mode == .stored ? trimmed : ScheduleRules.fillWildcards(trimmed)
        if let problem = ScheduleRules.problem(in: checked) {
            errors.add("schedule", "schedule \(text) is invalid: \(problem)")
        }
        job.schedule = trimmed
    }

    private mutating func applyNull(field: String, to job: inout Job) {
        switch field {
        case "scheduleStart": job.scheduleStart = nil
        case "scheduleEnd": job.scheduleEnd = nil
        case "timezone": job.timezone = nil
        case "maxCount": job.maxCount = nil
        case "trigger": job.trigger = nil
        case "overrides": job.overrides = nil
        case "cluster": job.cluster = nil
        case "launchType": job.launchType = nil
        case "capacityProviderStrategy": job.capacityProviderStrategy = nil
        case "platformVersion": job.platformVersion = nil
        case "networkConfiguration": job.networkConfiguration = nil
        case "group": job.group = nil
        case "tags": job.tags = nil
        case "propagateTags": job.propagateTags = nil
        case "enableExecuteCommand": job.enableExecuteCommand = nil
        case "id" where mode != .update:
            break
        case "suspended" where mode == .stored:
            break
        default:
            // Required fields, id on update, taskCount and suspended have no "unset".
            if mode == .update || field == "taskCount" || field == "suspended" {
                errors.add(field, "\(field) must not be null")
            }
        }
    }

    /// `lastRun`, `lastRunTasks` and `estimatedNextRun` of a stored document.
    private mutating func applyReadOnly(field: String, value: JSONValue, to job: inout Job) {
        guard value != .null else { return }
        switch field {
        case "lastRun": job.lastRun = instant(field, value)
        case "estimatedNextRun": job.estimatedNextRun = instant(field, value)
        case "lastRunTasks": job.lastRunTasks = startedTasks(value)
        default: break
        }
    }

    private mutating func startedTasks(_ value: JSONValue) -> [StartedTask]? {
        guard case .array(let elements) = value else {
            errors.add("lastRunTasks", "lastRunTasks must be an array of {taskId, hostId} objects")
            return nil
        }
        var tasks: [StartedTask] = []
        for (index, element) in elements.enumerated() {
            guard let taskID = element["taskId"]?.stringValue else {
                errors.add("lastRunTasks", "lastRunTasks[\(index)].taskId must be a string")
                continue
            }
            tasks.append(StartedTask(taskId: taskID, hostId: element["hostId"]?.stringValue))
        }
        return tasks
    }

    private mutating func trigger(_ value: JSONValue) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            errors.add("trigger", "trigger must be an object with a string type, such as {\"type\": \"sqs\", ...}")
            return nil
        }
        guard let type = members["type"]?.stringValue, !type.isEmpty else {
            errors.add("trigger", "trigger.type must be a non-empty string naming the trigger type")
            return nil
        }
        if mode != .stored {
            do {
                try triggers.validate(trigger: members)
            } catch {
                errors.add("trigger", error.message)
            }
        }
        return members
    }

    // MARK: Value readers: each returns nil and records a message when the value breaks the rule.

    mutating func string(_ field: String, _ value: JSONValue) -> String? {
        guard case .string(let text) = value else {
            errors.add(field, "\(field) must be a string")
            return nil
        }
        return text
    }

    mutating func bool(_ field: String, _ value: JSONValue) -> Bool? {
        guard case .bool(let flag) = value else {
            errors.add(field, "\(field) must be true or false")
            return nil
        }
        return flag
    }

    mutating func integer(_ field: String, _ value: JSONValue, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            errors.add(field, "\(field) must be an integer")
            return nil
        }
        guard range.contains(Int(number)) else {
            errors.add(field, "\(field) must be between \(range.lowerBound) and \(range.upperBound), not \(Int(number))")
            return nil
        }
        return Int(number)
    }

    private mutating func count(_ field: String, _ value: JSONValue) -> Int? {
        integer(field, value, in: 1...50)
    }

    private mutating func instant(_ field: String, _ value: JSONValue) -> Date? {
        guard let text = string(field, value) else { return nil }
        guard let date = Timestamp.parse(text) else {
            errors.add(field, "\(field) must be an ISO-8601 instant such as 2026-12-04T19:10:00Z, not \(text)")
            return nil
        }
        return date
    }

    private func unknownFieldMessage(_ field: String) -> String {
        let known = Self.writableFields.union(Self.readOnlyFields)
        let closest = known.map { (name: $0, distance: editDistance($0.lowercased(), field.lowercased())) }
            .min { ($0.distance, $0.name) < ($1.distance, $1.name) }
        if let closest, closest.distance <= 2 {
            return "\(field) is not a known field (did you mean \(closest.name)?)"
        }
        return "\(field) is not a known field"
    }
}

/// Computes the Levenshtein distance between two short strings, for "did you mean" hints.
func editDistance(_ left: String, _ right: String) -> Int {
    let a = Array(left.unicodeScalars)
    let b = Array(right.unicodeScalars)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
