import Foundation

/// The folders the host loads plugins from, in order: the folders of `ECSS_PLUGIN_PATH`,
/// then the folder of the first-party plugins installed with the executable.
public struct PluginSearchPath: Sendable, Equatable {
    /// One folder of the search path.
    public struct Folder: Sendable, Equatable {
        public var path: String
        /// When true, only files named `libecss-*.so` are loaded from it. This is the case for
        /// the executable's own folder, which contains other shared libraries too.
        public var firstPartyOnly: Bool

        public init(path: String, firstPartyOnly: Bool = false) {
            self.path = path
            self.firstPartyOnly = firstPartyOnly
        }

        /// Returns whether a file of this folder named `name` is a plugin to load.
        func isCandidate(_ name: String) -> Bool {
            guard name.hasSuffix(".so") else { return false }
            return !firstPartyOnly || name.hasPrefix("libecss-")
        }
    }

    public var folders: [Folder]

    public init(folders: [Folder]) {
        self.folders = folders
    }

    /// Builds the daemon's search path from the colon-separated value of `ECSS_PLUGIN_PATH`;
    /// see `standard(pluginFolders:executable:)`.
    public static func standard(pluginPath: String?, executable: URL = PluginSearchPath.currentExecutable)
        -> PluginSearchPath {
        let folders = (pluginPath ?? "").split(separator: ":").map(String.init)
        return standard(pluginFolders: folders, executable: executable)
    }

    /// Builds the daemon's search path: each of `pluginFolders` (from `ECSS_PLUGIN_PATH`), then
    /// `<executable folder>/plugins` when it exists, else the executable's own folder, where a
    /// SwiftPM build puts `libecss-*.so`.
    public static func standard(pluginFolders: [String], executable: URL = PluginSearchPath.currentExecutable)
        -> PluginSearchPath {
        var folders = pluginFolders.filter { !$0.isEmpty }.map { Folder(path: $0) }
        let executableFolder = executable.deletingLastPathComponent()
        let installed = executableFolder.appendingPathComponent("plugins")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: installed.path, isDirectory: &isFolder), isFolder.boolValue {
            folders.append(Folder(path: installed.path))
        } else {
            folders.append(Folder(path: executableFolder.path, firstPartyOnly: true))
        }
        return PluginSearchPath(folders: folders)
    }

    /// The running executable, with symbolic links resolved.
    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// A plugin file found in a folder of the search path.
    struct File: Sendable, Equatable {
        /// The path with symbolic links resolved; each real path is loaded once.
        var realPath: String
        var folder: String
    }

    /// Lists the plugin files of every folder, sorted by name within a folder, each real
    /// path once (its first occurrence wins).
    /// - Returns: the files, and the folders that could not be read with the reason.
    func listFiles() -> (files: [File], unreadable: [(folder: String, reason: String)]) {
        var files: [File] = []
        var unreadable: [(folder: String, reason: String)] = []
        var seen = Set<String>()
        for folder in folders {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            } catch {
                unreadable.append((folder.path, (error as NSError).localizedDescription))
                continue
            }
            for name in names.sorted() where folder.isCandidate(name) {
                let path = (folder.path as NSString).appendingPathComponent(name)
                let realPath = resolvedPath(path)
                if seen.insert(realPath).inserted {
                    files.append(File(realPath: realPath, folder: folder.path))
                }
            }
        }
        return (files, unreadable)
    }

    /// `path` with symbolic links and `..` resolved, or `path` itself when it cannot be
    /// resolved (a dangling link), so that loading it reports the problem.
    private func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
