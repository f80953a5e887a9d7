import Foundation
import Testing
@testable import AWSClient

@Suite struct XMLBodyTests {
    @Test func parsesAWSErrorDocuments() {
        let body = Data("<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code></Error>".utf8)
        #expect(XMLBody.root(body)?.name == "Error")
        #expect(XMLBody.root(Data("  <ErrorResponse/>".utf8))?.name == "ErrorResponse")
    }

    @Test func skipsHTMLAndNonXML() {
        for text in ["<!DOCTYPE HTML>\n<html><head><meta></head></html>", "<html><body>502</body></html>",
                     "{\"message\": \"not xml\"}", "", "   "] {
            #expect(!XMLBody.looksLikeXML(Data(text.utf8)), "\(text)")
            #expect(XMLBody.root(Data(text.utf8)) == nil, "\(text)")
        }
    }
}
