/// Fills `{NAME}` placeholders from the environment, as Python's `str.format(**os.environ)`
/// does for the original tool's variables: `{{` and `}}` stand for literal braces.
enum Placeholders {
    /// Returns `value` with every `{NAME}` replaced by the environment variable `NAME`.
    /// - Throws: `ConfigurationError` for `variable` when a placeholder names a variable that
    ///   is not set, or when a brace is unmatched.
    static func expand(_ value: String, variable: String, environment: [String: String])
        throws(ConfigurationError) -> String
    {
        guard value.contains("{") || value.contains("}") else { return value }
        var result = ""
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            let following = value.index(after: index)
            if character == "}" {
                guard following < value.endIndex, value[following] == "}" else {
                    throw ConfigurationError(variable: variable, "unmatched } in \"\(value)\"; write }} for a literal brace")
                }
                result.append("}")
                index = value.index(after: following)
            } else if character == "{" {
                if following < value.endIndex, value[following] == "{" {
                    result.append("{")
                    index = value.index(after: following)
                    continue
                }
                guard let close = value[following...].firstIndex(of: "}") else {
                    throw ConfigurationError(variable: variable, "unmatched { in \"\(value)\"; write {{ for a literal brace")
                }
                let name = String(value[following..<close])
                guard let replacement = environment[name] else {
                    throw ConfigurationError(
                        variable: variable,
                        "unknown placeholder {\(name)}: no environment variable \(name) is set; set it or remove the placeholder")
                }
                result += replacement
                index = value.index(after: close)
            } else {
                result.append(character)
                index = following
            }
        }
        return result
    }
}
