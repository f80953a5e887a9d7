import Foundation
import PluginHost
import Testing
import TestSupport

/// A deliberately broken plugin library and the words its rejection must contain.
enum BrokenPlugin: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case notSharedLibrary
    case missingEntry
    case badMagic
    case abiMajorMismatch
    case newerABIMinor
    case duplicateType
    case initFails

    var testDescription: String { rawValue }

    var reason: PluginRejection.Reason {
        switch self {
        case .notSharedLibrary: return .notLoadable
        case .missingEntry: return .missingEntry
        case .badMagic: return .badMagic
        case .abiMajorMismatch: return .abiMajorMismatch
        case .newerABIMinor: return .abiMinorTooNew
        case .duplicateType: return .duplicateType
        case .initFails: return .initFailed
        }
    }

    /// Words of the fix the message must contain.
    var expectedFix: [String] {
        switch self {
        case .notSharedLibrary: return ["cc -shared -fPIC", "move it out of"]
        case .missingEntry: return ["ecss_plugin_entry", "ECSS_DECLARE_PLUGIN", "@_cdecl"]
        case .badMagic: return ["0x12345678", "ECSS_PLUGIN_MAGIC"]
        case .abiMajorMismatch: return ["ABI 2.0", "ABI 1.0", "rebuild the plugin against the ecss_plugin.h"]
        case .newerABIMinor: return ["ABI 1.7", "ABI 1.0", "upgrade ecs-scheduler"]
        case .duplicateType: return ["\"test\"", "a-test.so", "remove one of the two libraries"]
        case .initFails: return ["set TEST_SERVICE_URL", "ECSS_ERROR", "restart"]
        }
    }

    /// Writes the broken library into `folder` and returns its path.
    func write(into folder: URL) throws -> URL {
        switch self {
        case .notSharedLibrary:
            let file = folder.appendingPathComponent("x.so")
            try Data("this is not a shared library\n".utf8).write(to: file)
            return file
        case .missingEntry:
            return try PluginBuilder.testTrigger(into: folder, name: "broken.so", definitions: ["NO_ENTRY"])
        case .badMagic:
            return try PluginBuilder.testTrigger(into: folder, name: "broken.so", definitions: ["MAGIC=0x12345678u"])
        case .abiMajorMismatch:
            return try PluginBuilder.testTrigger(into: folder, name: "broken.so", definitions: ["ABI_MAJOR=2"])
        case .newerABIMinor:
            return try PluginBuilder.testTrigger(into: folder, name: "broken.so", definitions: ["ABI_MINOR=7"])
        case .duplicateType:
            try PluginBuilder.testTrigger(into: folder, name: "a-test.so")
            return try PluginBuilder.testTrigger(into: folder, name: "b-test.so")
        case .initFails:
            return try PluginBuilder.testTrigger(into: folder, name: "broken.so", definitions: ["INIT_FAILS"])
        }
    }
}

@Suite("Plugin loading")
struct PluginLoadingTests {
    @Test("example trigger loads and is logged")
    func exampleTriggerLoads() throws {
        LogCapture.start()
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try PluginBuilder.fileExists(into: folder)

        let host = makeHost(folder: folder)

        #expect(host.rejections.isEmpty)
        #expect(host.triggerTypes == ["file-exists"])
        let info = try #require(host.plugins.first)
        #expect(info.kind == .trigger)
        #expect(info.version == "1.0.0")
        #expect(info.abiVersion == "1.0")
        #expect(info.path == library.resolvingSymlinksInPath().path)
        let logged = LogCapture.lines(containing: info.path)
        #expect(logged.contains {
            $0.hasPrefix("INFO:plugins:") && $0.contains("Loaded plugin") && $0.contains("plugin.kind=trigger")
                && $0.contains("plugin.type=file-exists") && $0.contains("plugin.version=1.0.0")
        })
    }

    @Test("broken library is rejected, others load", arguments: BrokenPlugin.allCases)
    func brokenLibraryRejected(_ broken: BrokenPlugin) throws {
        LogCapture.start()
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try broken.write(into: folder).resolvingSymlinksInPath().path
        try PluginBuilder.testTrigger(into: folder, name: "good.so", definitions: ["TYPE_NAME=\"good\""])
        try PluginBuilder.memoryStore(into: folder)

        let host = makeHost(folder: folder)

        let rejection = try #require(host.rejections.first)
        #expect(host.rejections.count == 1)
        #expect(rejection.reason == broken.reason)
        #expect(rejection.path == path)
        #expect(rejection.message.contains(path))
        #expect(rejection.message.contains("Fix:"))
        for words in broken.expectedFix {
            #expect(rejection.message.contains(words), "missing \"\(words)\" in: \(rejection.message)")
        }
        #expect(host.triggerTypes.contains("good"))
        #expect(host.storeNames == ["memory-test"])
        let logged = LogCapture.lines(containing: "Plugin rejected; starting without it")
        #expect(logged.contains { $0.hasPrefix("ERROR:plugins:") && $0.contains(path) })
    }

    @Test("duplicate type keeps first library")
    func duplicateKeepsFirst() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try PluginBuilder.testTrigger(into: folder, name: "a-test.so")
        try PluginBuilder.testTrigger(into: folder, name: "b-test.so")

        let host = makeHost(folder: folder)

        #expect(host.plugins.map(\.path) == [first.resolvingSymlinksInPath().path])
    }

    @Test("executable folder loads only libecss files")
    func executableFolderFilter() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "libecss-trigger-first.so", definitions: ["TYPE_NAME=\"first\""])
        try PluginBuilder.testTrigger(into: folder, name: "libother.so", definitions: ["TYPE_NAME=\"other\""])
        let searchPath = PluginSearchPath(folders: [.init(path: folder.path, firstPartyOnly: true)])

        let host = PluginHost(searchPath: searchPath, settings: [:], network: UnreachableNetwork())

        #expect(host.triggerTypes == ["first"])
        #expect(host.rejections.isEmpty)
    }

    @Test("plugin path folders load every library")
    func pluginPathFolderLoadsAll() throws {
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "libecss-trigger-first.so", definitions: ["TYPE_NAME=\"first\""])
        try PluginBuilder.testTrigger(into: folder, name: "other.so", definitions: ["TYPE_NAME=\"other\""])
        try Data("not a plugin\n".utf8).write(to: folder.appendingPathComponent("README.txt"))

        let host = makeHost(folder: folder)

        #expect(host.triggerTypes == ["first", "other"])
        #expect(host.rejections.isEmpty)
    }

    @Test("standard search path order")
    func standardSearchPath() throws {
        let root = try PackagePaths.temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        let executable = root.appendingPathComponent("bin/ecs-scheduler")

        let bare = PluginSearchPath.standard(pluginPath: "/opt/a::/opt/b", executable: executable)
        #expect(bare.folders == [
            .init(path: "/opt/a"), .init(path: "/opt/b"),
            .init(path: root.appendingPathComponent("bin").path, firstPartyOnly: true),
        ])
        let listed = PluginSearchPath.standard(pluginFolders: ["/opt/a", "", "/opt/b"], executable: executable)
        #expect(listed == bare)

        try FileManager.default.createDirectory(at: root.appendingPathComponent("bin/plugins"),
                                                withIntermediateDirectories: true)
        let installed = PluginSearchPath.standard(pluginPath: nil, executable: executable)
        #expect(installed.folders == [.init(path: root.appendingPathComponent("bin/plugins").path)])
    }

    @Test("same file through a link loads once")
    func linkedFileLoadsOnce() throws {
        let first = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: first) }
        let second = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: second) }
        let library = try PluginBuilder.testTrigger(into: first, name: "test.so")
        try FileManager.default.createSymbolicLink(at: second.appendingPathComponent("linked.so"),
                                                   withDestinationURL: library)
        let searchPath = PluginSearchPath(folders: [.init(path: first.path), .init(path: second.path)])

        let host = PluginHost(searchPath: searchPath, settings: [:], network: UnreachableNetwork())

        #expect(host.plugins.count == 1)
        #expect(host.rejections.isEmpty)
    }

    @Test("missing folder is logged and skipped")
    func missingFolderSkipped() throws {
        LogCapture.start()
        let folder = try PackagePaths.temporaryDirectory("plugins")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PluginBuilder.testTrigger(into: folder, name: "test.so")
        let missing = folder.appendingPathComponent("does-not-exist").path
        let searchPath = PluginSearchPath(folders: [.init(path: missing), .init(path: folder.path)])

        let host = PluginHost(searchPath: searchPath, settings: [:], network: UnreachableNetwork())

        #expect(host.triggerTypes == ["test"])
        #expect(LogCapture.lines(containing: missing).contains {
            $0.hasPrefix("WARNING:plugins:") && $0.contains("ECSS_PLUGIN_PATH")
        })
    }
}
