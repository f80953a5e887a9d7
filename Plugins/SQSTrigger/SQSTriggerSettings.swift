import PluginKit

/// A job's `sqs` trigger object, validated.
struct SQSTriggerSettings: Equatable {
    static let allowedMembers = ["type", "queueName", "messagesPerTask", "queueUrl", "accountId", "region"]

    var queueName: String
    /// Messages one task handles; nil means the queue only switches the job on or off.
    var messagesPerTask: Int?
    /// The queue's URL, when given; skips GetQueueUrl.
    var queueURL: String?
    /// The queue owner's account, for queues of another account.
    var accountID: String?
    /// The queue's region; nil for the host's.
    var region: String?

    /// Validates `trigger`.
    /// - Throws: `PluginError.invalid` naming the member and the rule.
    init(_ trigger: [String: JSON]) throws(PluginError) {
        let unknown = trigger.keys.filter { !Self.allowedMembers.contains($0) }.sorted()
        if !unknown.isEmpty {
            let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .invalid("sqs trigger has unknown member\(unknown.count == 1 ? "" : "s") \(names); allowed members: "
                + Self.allowedMembers.joined(separator: ", "))
        }
        guard let queueName = trigger["queueName"], queueName != .null else {
            throw .invalid("sqs trigger requires queueName")
        }
        guard let name = queueName.stringValue, Self.isQueueName(name) else {
            throw .invalid("sqs trigger queueName must be 1 to 80 letters, digits, '-' or '_', with an optional "
                + ".fifo suffix, not \(Self.shown(queueName))")
        }
        self.queueName = name
        messagesPerTask = try Self.messagesPerTask(trigger["messagesPerTask"])
        queueURL = try Self.optionalString(trigger["queueUrl"], member: "queueUrl",
                                           rule: "an http:// or https:// URL", isValid: Self.isQueueURL)
        accountID = try Self.optionalString(trigger["accountId"], member: "accountId",
                                            rule: "a 12-digit AWS account id", isValid: Self.isAccountID)
        region = try Self.optionalString(trigger["region"], member: "region",
                                         rule: "an AWS region name such as us-east-1", isValid: Self.isRegion)
        if queueURL != nil, accountID != nil {
            throw .invalid("sqs trigger takes queueUrl or accountId, not both; the queueUrl already names the account")
        }
    }

    private static func messagesPerTask(_ value: JSON?) throws(PluginError) -> Int? {
        guard let value, value != .null else { return nil }
        guard let count = value.intValue, count >= 1 else {
            throw .invalid("sqs trigger messagesPerTask must be an integer of at least 1, not \(shown(value))")
        }
        return count
    }

    private static func optionalString(_ value: JSON?, member: String, rule: String,
                                       isValid: (String) -> Bool) throws(PluginError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, isValid(text) else {
            throw .invalid("sqs trigger \(member) must be \(rule), not \(shown(value))")
        }
        return text
    }

    /// SQS queue names: 1 to 80 of `A-Z a-z 0-9 - _`, and FIFO queues end in ".fifo".
    static func isQueueName(_ name: String) -> Bool {
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        guard !base.isEmpty, name.utf8.count <= 80 else { return false }
        return base.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                || scalar == "_")
        }
    }

    static func isQueueURL(_ url: String) -> Bool {
        (url.hasPrefix("https://") || url.hasPrefix("http://")) && !url.contains(" ") && url.count > 8
    }

    static func isAccountID(_ id: String) -> Bool {
        id.utf8.count == 12 && id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Region names: lowercase words and digits joined by '-', such as "us-east-1" or "us-gov-west-1".
    static func isRegion(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, last.allSatisfy(\.isNumber) else { return false }
        return parts.dropLast().allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
        }
    }

    /// Formats a JSON value for an error message.
    private static func shown(_ value: JSON) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }
}
