import JobModel
import Testing
@testable import Config

@Suite struct YAMLReaderTests {
    @Test func plainScalarsAreTypedAsPyYAMLDoes() throws {
        let value = try YAMLReader.parse("""
            text: hello world
            quoted: "60"
            single: 'true'
            integer: 60
            negative: -3
            hex: 0x1F
            float: 2.5
            yes_flag: yes
            off_flag: off
            nothing: ~
            empty:
            tagged: !!str 10
            """)
        #expect(value == [
            "text": "hello world", "quoted": "60", "single": "true", "integer": 60, "negative": -3, "hex": 31,
            "float": 2.5, "yes_flag": true, "off_flag": false, "nothing": nil, "empty": nil, "tagged": "10",
        ])
    }

    @Test func nestedCollectionsAndAliases() throws {
        let value = try YAMLReader.parse("""
            defaults: &defaults
              timeout: 60
            client:
              settings: *defaults
              hosts: [http://a:9200, http://b:9200]
              block: |
                line one
                line two
              after: 1
            """)
        #expect(value["client"]?["settings"] == ["timeout": 60])
        #expect(value["client"]?["hosts"] == ["http://a:9200", "http://b:9200"])
        #expect(value["client"]?["block"] == "line one\nline two\n")
    }

    @Test func emptyTextIsNull() throws {
        #expect(try YAMLReader.parse("") == .null)
        #expect(try YAMLReader.parse("# only a comment\n") == .null)
    }

    @Test func errorsCarryLineAndColumn() {
        do {
            _ = try YAMLReader.parse("a: 1\nb: [2\nc: 3\n")
            Issue.record("malformed YAML was accepted")
        } catch {
            #expect(error.line >= 2)
            #expect(error.column >= 1)
            #expect(error.description.contains("at line \(error.line), column \(error.column)"))
        }
    }

    @Test func unknownAliasIsAnError() {
        #expect(throws: YAMLReader.ParseError.self) { try YAMLReader.parse("a: *missing\n") }
    }
}
