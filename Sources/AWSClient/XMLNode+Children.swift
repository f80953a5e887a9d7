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
    /// Parses an XML document's root element.
    static func root(_ data: Data) -> XMLElement? {
        guard !data.isEmpty, let document = try? XMLDocument(data: data, options: []) else { return nil }
        return document.rootElement()
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
