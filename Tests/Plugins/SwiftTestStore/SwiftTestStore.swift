import PluginKit
import Synchronization

/// A store plugin written with PluginKit, for the plugin host tests: keeps documents in memory.
///
/// Settings: `{"invalid": true}` fails the open with `.invalid`; `{"preload": n}` starts with
/// n documents named `job-1` ... `job-n`. Ids starting with `busy-` get `.retry`.
final class SwiftTestStore: StorePlugin {
    static let storeName = "swift-test"
    static let version = "0.1.0"
    static let summary = "In-memory store written with PluginKit, for tests"

    private let host: HostAPI
    private let documents = Mutex<[String: String]>([:])

    init(host: HostAPI, settings: [String: JSON]) throws(PluginError) {
        self.host = host
        if settings["invalid"] != nil {
            throw .invalid("swift-test store settings are invalid; remove \"invalid\"")
        }
        let preload = settings["preload"]?.intValue ?? 0
        documents.withLock { documents in
            for index in 0..<preload {
                documents["job-\(index + 1)"] = #"{"taskDefinition": "job", "schedule": "0"}"#
            }
        }
        host.log(.info, "Store opened with \(preload) documents")
    }

    func loadAll(_ visit: (String, String) throws(PluginError) -> Void) throws(PluginError) {
        let snapshot = documents.withLock { $0 }.sorted { $0.key < $1.key }
        for (id, document) in snapshot {
            try visit(id, document)
        }
    }

    func create(id: String, document: String) throws(PluginError) {
        try rejectBusy(id)
        let created = documents.withLock { documents -> Bool in
            guard documents[id] == nil else { return false }
            documents[id] = document
            return true
        }
        guard created else { throw PluginError(.conflict, "swift-test store already has job \(id)") }
    }

    func update(id: String, document: String) throws(PluginError) {
        try rejectBusy(id)
        let updated = documents.withLock { documents -> Bool in
            guard documents[id] != nil else { return false }
            documents[id] = document
            return true
        }
        guard updated else { throw PluginError(.notFound, "swift-test store has no job \(id)") }
    }

    func delete(id: String) throws(PluginError) {
        try rejectBusy(id)
        let removed = documents.withLock { $0.removeValue(forKey: id) != nil }
        guard removed else { throw PluginError(.notFound, "swift-test store has no job \(id)") }
    }

    private func rejectBusy(_ id: String) throws(PluginError) {
        if id.hasPrefix("busy-") { throw .retry("swift-test store is busy; try again") }
    }
}

@_cdecl("ecss_plugin_entry")
public func ecssPluginEntry() -> UnsafePointer<ecss_plugin_descriptor> {
    PluginExport.store(SwiftTestStore.self)
}
