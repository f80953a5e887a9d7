import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One page of an S3 ListObjectsV2 response (`<ListBucketResult>`): the keys at the listed
/// level and whether more pages follow. Common prefixes (deeper levels) are not kept.
struct ListBucketResult {
    var keys: [String] = []
    var isTruncated = false
    var nextContinuationToken: String?

    /// Parses the response body; nil when it is not a ListBucketResult document.
    static func parse(_ body: Data) -> ListBucketResult? {
        let delegate = ListBucketResultParser()
        let parser = XMLParser(data: body)
        parser.delegate = delegate
        guard parser.parse(), delegate.sawRoot else { return nil }
        return delegate.result
    }
}

/// Collects `Contents/Key`, `IsTruncated` and `NextContinuationToken` from the document.
private final class ListBucketResultParser: NSObject, XMLParserDelegate {
    var result = ListBucketResult()
    var sawRoot = false
    private var path: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if path.isEmpty, elementName == "ListBucketResult" { sawRoot = true }
        path.append(elementName)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch path {
        case ["ListBucketResult", "Contents", "Key"]:
            result.keys.append(text)
        case ["ListBucketResult", "IsTruncated"]:
            result.isTruncated = text == "true"
        case ["ListBucketResult", "NextContinuationToken"]:
            result.nextContinuationToken = text
        default:
            break
        }
        path.removeLast()
        text = ""
    }
}
