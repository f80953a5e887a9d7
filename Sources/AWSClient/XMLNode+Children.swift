import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension XMLElement {
    /// Finds the child elements with local name `name`, ignoring namespaces, because S3 and
    /// STS respond in their own default namespaces.
    func children(named name: String) -> [XMLElement] {
        (children ?? []).compactMap { $0 as? XMLElement }.filter { ($0.localName ?? $0.name) == name }
    }

    /// Finds the first child element with local name `name`.
    func child(_ name: String) -> XMLElement? {
        children(named: name).first
    }

    /// Reads the text of the first child element with local name `name`.
    func text(of name: String) -> String? {
        child(name)?.stringValue
    }

    /// Finds the element reached by following child names from this one.
    func descendant(_ path: String...) -> XMLElement? {
        var element: XMLElement? = self
        for name in path {
            element = element?.child(name)
        }
        return element
    }
}

enum XMLBody {
    /// Parses an XML document's root element; nil for a body that is not XML.
    ///
    /// An HTML page (from a proxy or a wrong endpoint) is skipped without parsing, because
    /// libxml2 writes its parse errors straight to standard error, outside the log format.
    static func root(_ data: Data) -> XMLElement? {
        guard looksLikeXML(data), let document = try? XMLDocument(data: data, options: []) else { return nil }
        return document.rootElement()
    }

    /// True when the body starts, after white space, with `<?xml` or an element tag, and is
    /// not an HTML page.
    static func looksLikeXML(_ data: Data) -> Bool {
        guard let start = data.firstIndex(where: { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }) else {
            return false
        }
        let head = String(decoding: data[start...].prefix(16), as: UTF8.self).lowercased()
        guard head.hasPrefix("<") else { return false }
        return !head.hasPrefix("<!doctype") && !head.hasPrefix("<html") && !head.hasPrefix("<!--")
    }

    /// Escapes text for an XML element or attribute value.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
