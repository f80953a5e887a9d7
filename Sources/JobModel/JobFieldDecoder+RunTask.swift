/// The container overrides and the ECS RunTask fields of a job document. Limits follow
/// the ECS RunTask API reference (API version 2014-11-13).
extension JobFieldDecoder {
    /// The environment variable the scheduler adds to each override to find a job's tasks.
    static let overrideTagVariable = "ECS_SCHEDULER_OVERRIDE_TAG"

    mutating func applyRunTaskField(field: String, value: JSONValue, to job: inout Job) {
        switch field {
        case "cluster": job.cluster = nonEmptyString(field, value)
        case "launchType":
            job.launchType = oneOf(field, value, ["EC2", "FARGATE", "EXTERNAL"])
        case "capacityProviderStrategy": job.capacityProviderStrategy = capacityProviderStrategy(value)
        case "platformVersion": job.platformVersion = nonEmptyString(field, value)
        case "networkConfiguration": job.networkConfiguration = networkConfiguration(value)
        case "group":
            if let group = nonEmptyString(field, value) {
                if group.utf8.count > 255 {
                    errors.add(field, "group must be at most 255 characters")
                } else {
                    job.group = group
                }
            }
        case "tags": job.tags = tags(value)
        case "propagateTags":
            job.propagateTags = oneOf(field, value, ["TASK_DEFINITION", "SERVICE", "NONE"])
        case "enableExecuteCommand": job.enableExecuteCommand = bool(field, value)
        default:
            preconditionFailure("\(field) is listed as writable but has no reader")
        }
    }

    mutating func overrides(_ value: JSONValue) -> [ContainerOverride]? {
        guard case .array(let elements) = value else {
            errors.add("overrides", "overrides must be an array of {containerName, environment} objects")
            return nil
        }
        var result: [ContainerOverride] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            guard let override = containerOverride(element, path: "overrides[\(index)]") else { continue }
            if !names.insert(override.containerName).inserted {
                errors.add("overrides", "overrides[\(index)].containerName \(override.containerName) appears twice")
            }
            result.append(override)
        }
        return result
    }

    private mutating func containerOverride(_ value: JSONValue, path: String) -> ContainerOverride? {
        guard case .object(let members) = value else {
            errors.add("overrides", "\(path) must be an object with containerName and environment")
            return nil
        }
        var valid = checkMembers(members, allowed: ["containerName", "environment", "command", "cpu", "memory"],
                                 field: "overrides", path: path)
        guard let name = members["containerName"]?.stringValue, !name.isEmpty else {
            errors.add("overrides", "\(path).containerName must be a non-empty string")
            return nil
        }
        var override = ContainerOverride(containerName: name)
        if let environment = members["environment"] {
            if let variables = self.environment(environment, path: "\(path).environment") {
                override.environment = variables
            } else {
                valid = false
            }
        }
        if let command = members["command"] {
            override.command = stringArray("overrides", command, path: "\(path).command", allowEmpty: true)
            valid = valid && override.command != nil
        }
        for unit in ["cpu", "memory"] {
            guard let amount = members[unit] else { continue }
            let number = integer("overrides", amount, path: "\(path).\(unit)", in: 0...1_048_576)
            if unit == "cpu" { override.cpu = number } else { override.memory = number }
            valid = valid && number != nil
        }
        return valid ? override : nil
    }

    private mutating func environment(_ value: JSONValue, path: String) -> [String: String]? {
        guard case .object(let members) = value else {
            errors.add("overrides", "\(path) must be an object of \"NAME\": \"VALUE\" strings")
            return nil
        }
        var variables: [String: String] = [:]
        var valid = true
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty else {
                errors.add("overrides", "\(path) has an empty variable name")
                valid = false
                continue
            }
            guard name != Self.overrideTagVariable else {
                errors.add("overrides", "\(path) must not set \(name); the scheduler sets it to the job id")
                valid = false
                continue
            }
            guard case .string(let text) = member else {
                errors.add("overrides", "\(path).\(name) must be a string")
                valid = false
                continue
            }
            variables[name] = text
        }
        return valid ? variables : nil
    }

    private mutating func capacityProviderStrategy(_ value: JSONValue) -> JSONValue? {
        let field = "capacityProviderStrategy"
        guard case .array(let elements) = value, (1...20).contains(elements.count) else {
            errors.add(field, "\(field) must be an array of 1 to 20 {capacityProvider, weight, base} objects")
            return nil
        }
        var valid = true
        for (index, element) in elements.enumerated() {
            let path = "\(field)[\(index)]"
            guard case .object(let members) = element else {
                errors.add(field, "\(path) must be an object with capacityProvider")
                valid = false
                continue
            }
            valid = checkMembers(members, allowed: ["capacityProvider", "weight", "base"], field: field, path: path)
                && valid
            if members["capacityProvider"]?.stringValue?.isEmpty ?? true {
                errors.add(field, "\(path).capacityProvider must be a non-empty string")
                valid = false
            }
            if let weight = members["weight"] {
                valid = integer(field, weight, path: "\(path).weight", in: 0...1_000) != nil && valid
            }
            if let base = members["base"] {
                valid = integer(field, base, path: "\(path).base", in: 0...100_000) != nil && valid
            }
        }
        return valid ? value : nil
    }

    private mutating func networkConfiguration(_ value: JSONValue) -> JSONValue? {
        let field = "networkConfiguration"
        guard case .object(let members) = value,
              checkMembers(members, allowed: ["awsvpcConfiguration"], field: field, path: field) else {
            if value.objectValue == nil {
                errors.add(field, "\(field) must be an object with awsvpcConfiguration")
            }
            return nil
        }
        let path = "\(field).awsvpcConfiguration"
        guard case .object(let vpc)? = members["awsvpcConfiguration"] else {
            errors.add(field, "\(path) must be an object with subnets")
            return nil
        }
        var valid = checkMembers(vpc, allowed: ["subnets", "securityGroups", "assignPublicIp"], field: field, path: path)
        if let subnets = vpc["subnets"],
           let list = stringArray(field, subnets, path: "\(path).subnets", allowEmpty: false) {
            if list.count > 16 {
                errors.add(field, "\(path).subnets must list at most 16 subnets")
                valid = false
            }
        } else {
            if vpc["subnets"] == nil { errors.add(field, "\(path).subnets is required") }
            valid = false
        }
        if let groups = vpc["securityGroups"] {
            if let list = stringArray(field, groups, path: "\(path).securityGroups", allowEmpty: true) {
                if list.count > 5 {
                    errors.add(field, "\(path).securityGroups must list at most 5 security groups")
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let assign = vpc["assignPublicIp"], assign != "ENABLED", assign != "DISABLED" {
            errors.add(field, "\(path).assignPublicIp must be ENABLED or DISABLED")
            valid = false
        }
        return valid ? value : nil
    }

    private mutating func tags(_ value: JSONValue) -> JSONValue? {
        let field = "tags"
        guard case .array(let elements) = value, elements.count <= 50 else {
            errors.add(field, "tags must be an array of at most 50 {key, value} objects")
            return nil
        }
        var valid = true
        var keys: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = "tags[\(index)]"
            guard case .object(let members) = element else {
                errors.add(field, "\(path) must be an object with key and value")
                valid = false
                continue
            }
            valid = checkMembers(members, allowed: ["key", "value"], field: field, path: path) && valid
            guard let key = members["key"]?.stringValue, (1...128).contains(key.count) else {
                errors.add(field, "\(path).key must be a string of 1 to 128 characters")
                valid = false
                continue
            }
            if !keys.insert(key).inserted {
                errors.add(field, "\(path).key \(key) appears twice")
                valid = false
            }
            if let tagValue = members["value"], (tagValue.stringValue?.count ?? 257) > 256 {
                errors.add(field, "\(path).value must be a string of at most 256 characters")
                valid = false
            }
        }
        return valid ? value : nil
    }

    // MARK: Helpers for nested values; messages go under the top-level `field`.

    /// Records each member of `members` not in `allowed`; returns false when there was one.
    private mutating func checkMembers(_ members: [String: JSONValue], allowed: Set<String>, field: String,
                                       path: String) -> Bool {
        let unknown = members.keys.filter { !allowed.contains($0) }.sorted()
        for name in unknown {
            errors.add(field, "\(path).\(name) is not a known field; use \(allowed.sorted().joined(separator: ", "))")
        }
        return unknown.isEmpty
    }

    private mutating func nonEmptyString(_ field: String, _ value: JSONValue) -> String? {
        guard let text = string(field, value) else { return nil }
        guard !text.isEmpty else {
            errors.add(field, "\(field) must not be empty")
            return nil
        }
        return text
    }

    private mutating func oneOf(_ field: String, _ value: JSONValue, _ allowed: [String]) -> String? {
        guard case .string(let text) = value, allowed.contains(text) else {
            errors.add(field, "\(field) must be one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return text
    }

    private mutating func stringArray(_ field: String, _ value: JSONValue, path: String, allowEmpty: Bool) -> [String]? {
        guard case .array(let elements) = value else {
            errors.add(field, "\(path) must be an array of strings")
            return nil
        }
        let strings = elements.compactMap(\.stringValue)
        guard strings.count == elements.count, !strings.contains(where: \.isEmpty) else {
            errors.add(field, "\(path) must contain only non-empty strings")
            return nil
        }
        guard allowEmpty || !strings.isEmpty else {
            errors.add(field, "\(path) must not be empty")
            return nil
        }
        return strings
    }

    private mutating func integer(_ field: String, _ value: JSONValue, path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let number) = value, number.rounded() == number,
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            errors.add(field, "\(path) must be an integer between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return Int(number)
    }
}
