import Foundation

/// Builds `Job` values from API request bodies and stored documents, checking every field.
///
/// Field rules:
/// - `taskDefinition` (required on create): an ECS task definition family of letters,
///   digits, `_` and `-` (at most 255), optionally followed by `:revision`, a positive
///   integer, to pin one revision.
/// - `id`: defaults to the family part of `taskDefinition`; the same character rule without
///   a revision; it cannot change on update.
/// - `schedule` (required on create): checked by the schedule engine. A `?` in the second,
///   minute and hour fields is replaced by a random value before storing.
/// - `scheduleStart`, `scheduleEnd`: ISO-8601 instants, UTC when they carry no offset; the
///   end must be later than the start.
/// - `timezone`: an IANA time zone name.
/// - `taskCount` (default 1), `maxCount`: integers from 1 to 50; `maxCount` must not be
///   below `taskCount`.
/// - `trigger`: an object with a string `type`, then checked by the `TriggerService`.
/// - `suspended`, `enableExecuteCommand`: booleans.
/// - `overrides`: container overrides (see `ContainerOverride`).
/// - ECS RunTask fields passed through: `cluster`, `launchType`, `capacityProviderStrategy`
///   (not both with `launchType`), `platformVersion`, `networkConfiguration`, `group`,
///   `tags`, `propagateTags`.
/// - `lastRun`, `lastRunTasks`, `estimatedNextRun` and `link` are read-only; any other
///   field is rejected by name.
///
/// On update, `null` clears an optional field.
public struct JobValidator: Sendable {
    public let triggers: any TriggerService
    /// The current time, for the start of `rate:` schedules.
    public let now: @Sendable () -> Date

    public init(triggers: any TriggerService = NoTriggers(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.triggers = triggers
        self.now = now
    }

    /// Builds a new job from a `POST /jobs` body.
    /// - Throws: `JobValidationError` listing every field that breaks a rule.
    public func validateNew(_ body: [String: JSONValue]) throws(JobValidationError) -> Job {
        var decoder = JobFieldDecoder(mode: .create, triggers: triggers)
        var job = Job(id: "", taskDefinition: "", schedule: "")
        decoder.apply(body, to: &job)

        if body["taskDefinition"] == nil || body["taskDefinition"] == .null {
            decoder.errors.add("taskDefinition", "taskDefinition is required")
        }
        if body["schedule"] == nil || body["schedule"] == .null {
            decoder.errors.add("schedule", "schedule is required")
        }
        if body["id"] == nil || body["id"] == .null {
            job.id = TaskDefinitionName.family(of: job.taskDefinition)
        }
        if body["schedule"] != nil {
            job.schedule = ScheduleRules.fillWildcards(job.schedule)
        }
        checkJob(&job, errors: &decoder.errors, scheduleChanged: true)
        try decoder.errors.throwIfAny()
        return job
    }

    /// Applies a `PUT /jobs/{id}` body to `job`: the fields given replace the job's.
    /// - Throws: `JobValidationError` listing every field that breaks a rule, including an
    ///   `id` other than the job's.
    public func validateUpdate(_ body: [String: JSONValue], of job: Job) throws(JobValidationError) -> Job {
        var decoder = JobFieldDecoder(mode: .update, triggers: triggers)
        var updated = job
        decoder.apply(body, to: &updated)
        if case .string(let id)? = body["id"], id != job.id {
            decoder.errors.add("id", "id cannot be changed; it is \(job.id)")
            updated.id = job.id
        }
        if body["schedule"] != nil {
            updated.schedule = ScheduleRules.fillWildcards(updated.schedule)
        }
        checkJob(&updated, errors: &decoder.errors, scheduleChanged: body["schedule"] != nil)
        try decoder.errors.throwIfAny()
        return updated
    }

    /// Reads a stored job: `json` is the stored form (`Job.storedJSON()`), or a document the
    /// original Python tool wrote (ISO instants with offsets, its `parsedSchedule` member).
    /// - Throws: `JobValidationError` saying why the document is not a valid job; the
    ///   caller skips that job and reports the reason.
    public static func decodeStored(id: String, json: String) throws(JobValidationError) -> Job {
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(json.utf8))
        } catch {
            throw JobValidationError(field: "document", "the stored document is not JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw JobValidationError(field: "document", "the stored document is not a JSON object")
        }
        return try decodeStored(id: id, object: object)
    }

    /// Reads a stored job from its parsed JSON object; see `decodeStored(id:json:)`.
    public static func decodeStored(id: String, object: [String: JSONValue]) throws(JobValidationError) -> Job {
        var decoder = JobFieldDecoder(mode: .stored, triggers: NoTriggers())
        var job = Job(id: id, taskDefinition: "", schedule: "")
        decoder.apply(object, to: &job)
        if let problem = TaskDefinitionName.problem(inID: id) {
            decoder.errors.add("id", problem)
        }
        if let storedID = object["id"], storedID != .string(id) {
            decoder.errors.add("id", "the stored id \(storedID.serializedString()) differs from the key \(id)")
        }
        for field in ["taskDefinition", "schedule"] where object[field] == nil || object[field] == .null {
            decoder.errors.add(field, "\(field) is required")
        }
        try decoder.errors.throwIfAny()
        return job
    }

    /// True when `id` follows the job id rule: 1 to 255 letters, digits, `_` and `-`.
    public static func isValidID(_ id: String) -> Bool {
        TaskDefinitionName.problem(inID: id) == nil
    }

    /// Rules across fields, checked on the job as it would be stored.
    private func checkJob(_ job: inout Job, errors: inout FieldErrors, scheduleChanged: Bool) {
        if errors.isEmpty(for: "id"), errors.isEmpty(for: "taskDefinition"),
           let problem = TaskDefinitionName.problem(inID: job.id) {
            errors.add("id", problem)
        }
        if let maxCount = job.maxCount, maxCount < job.taskCount, errors.isEmpty(for: "maxCount") {
            errors.add("maxCount", "maxCount must be greater than or equal to taskCount (\(job.taskCount))")
        }
        if let start = job.scheduleStart, let end = job.scheduleEnd, end <= start {
            errors.add("scheduleEnd", "scheduleEnd must be later than scheduleStart")
        }
        if job.launchType != nil, job.capacityProviderStrategy != nil {
            errors.add("launchType", "launchType and capacityProviderStrategy cannot both be set; remove one")
        }
        if scheduleChanged, job.scheduleStart == nil, ScheduleRules.countsFromStart(job.schedule) {
            job.scheduleStart = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        }
    }
}

/// Validation messages collected per field.
struct FieldErrors {
    private(set) var messages: [String: [String]] = [:]

    mutating func add(_ field: String, _ message: String) {
        messages[field, default: []].append(message)
    }

    func isEmpty(for field: String) -> Bool {
        messages[field] == nil
    }

    func throwIfAny() throws(JobValidationError) {
        guard messages.isEmpty else { throw JobValidationError(errors: messages) }
    }
}

/// The character rule of task definition families and job ids.
enum TaskDefinitionName {
    static let maxLength = 255

    /// Returns the family part of `family:revision`, or the whole text.
    static func family(of taskDefinition: String) -> String {
        taskDefinition.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? taskDefinition
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    static func problem(inID id: String) -> String? {
        if id.isEmpty { return "id must not be empty" }
        if id.utf8.count > maxLength { return "id must be at most \(maxLength) characters" }
        if !id.utf8.allSatisfy(isNameCharacter) { return "id must contain only letters, digits, _ and -" }
        return nil
    }

    static func problem(inTaskDefinition text: String) -> String? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let family = parts[0]
        if family.isEmpty { return "taskDefinition must not be empty" }
        if family.utf8.count > maxLength { return "taskDefinition must be at most \(maxLength) characters" }
        if !family.utf8.allSatisfy(isNameCharacter) {
            return "taskDefinition must contain only letters, digits, _ and -, optionally followed by :revision"
        }
        if parts.count == 2 {
            guard let revision = Int(parts[1]), revision >= 1, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return "taskDefinition revision must be a positive integer, as in family:3"
            }
        }
        return nil
    }
}
