import Foundation
import Testing
import JobModel

@Suite struct JSONValueTests {
    @Test func trailingCommasRejected() {
        for text in [#"{"a": 1,}"#, "[1,]", "[1 , \n ]", #"{"a": [1, 2,], "b": 2}"#] {
            #expect(throws: JSONValue.ParseError.self, "\(text)") { try JSONValue.parse(Data(text.utf8)) }
        }
    }

    @Test func commasInsideStringsAccepted() throws {
        let value = try JSONValue.parse(Data(#"{"a": "x,}", "b": ["\",]", 2]}"#.utf8))
        #expect(value["a"] == "x,}")
        #expect(value["b"] == ["\",]", 2])
    }

    @Test func trailingCommaMessageNamesOffset() {
        do {
            _ = try JSONValue.parse(Data(#"{"a": 1,}"#.utf8))
            Issue.record("a trailing comma was accepted")
        } catch {
            #expect(error.message == "invalid JSON: a comma at byte 7 is followed by no value; remove it")
        }
    }
}
