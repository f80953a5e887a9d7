import Foundation

/// The shared AWS files, `~/.aws/credentials` and `~/.aws/config`, read into profiles.
///
/// Both are INI-like: `[section]` lines and `key = value` lines, with `#` or `;` starting a
/// comment line. In the config file a profile's section is `[profile NAME]` (the default
/// profile may be `[default]`); in the credentials file it is `[NAME]`. Keys are read in
/// lowercase. Indented lines continue the previous key's nested settings and are skipped,
/// since no setting read here is nested. A value of the credentials file wins over the
/// same key in the config file.
struct ProfileFiles: Sendable {
    /// Settings by profile name, merged from both files.
    var profiles: [String: [String: String]]
    var credentialsPath: String
    var configPath: String

    /// Reads the files that the environment names (`AWS_SHARED_CREDENTIALS_FILE`,
    /// `AWS_CONFIG_FILE`) or the defaults under `HOME`. A missing file counts as empty.
    static func load(environment: [String: String]) -> ProfileFiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = expandTilde(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
        let configPath = expandTilde(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)

        var profiles: [String: [String: String]] = [:]
        for (name, settings) in parse(read(configPath), isConfigFile: true) {
            profiles[name, default: [:]].merge(settings) { _, new in new }
        }
        for (name, settings) in parse(read(credentialsPath), isConfigFile: false) {
            profiles[name, default: [:]].merge(settings) { _, new in new }
        }
        return ProfileFiles(profiles: profiles, credentialsPath: credentialsPath, configPath: configPath)
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    private static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    /// Parses one file into settings by profile name.
    static func parse(_ text: String, isConfigFile: Bool) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if rawLine.first == " " || rawLine.first == "\t" {
                // A nested setting of the previous key.
                continue
            }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasPrefix("[") {
                current = sectionProfileName(line, isConfigFile: isConfigFile)
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = stripComment(String(line[line.index(after: equals)...])).trimmingCharacters(in: .whitespaces)
            if !key.isEmpty {
                profiles[current]?[key] = value
            }
        }
        return profiles
    }

    /// Reads the profile name that a section line opens, or nil for sections that are not
    /// profiles (`[sso-session x]`, `[services x]`) or that are malformed.
    private static func sectionProfileName(_ line: String, isConfigFile: Bool) -> String? {
        guard let close = line.firstIndex(of: "]") else { return nil }
        let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        guard isConfigFile else { return name.isEmpty ? nil : name }
        if name == "default" { return name }
        let words = name.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard words.count == 2, words[0] == "profile" else { return nil }
        return words[1].trimmingCharacters(in: .whitespaces)
    }

    /// Removes a comment that follows a value after whitespace (`key = value # note`).
    private static func stripComment(_ value: String) -> String {
        var previous: Character = " "
        for index in value.indices {
            let character = value[index]
            if (character == "#" || character == ";") && (previous == " " || previous == "\t") {
                return String(value[..<index])
            }
            previous = character
        }
        return value
    }
}
