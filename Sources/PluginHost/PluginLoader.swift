import Foundation
import PluginABI

/// A plugin library that passed every check of its descriptor but is not initialised yet.
struct OpenedLibrary {
    /// The dlopen handle.
    var library: UnsafeMutableRawPointer
    var info: PluginInfo
    /// Set for triggers.
    var triggerHooks: ecss_trigger_hooks?
    /// Set for stores.
    var storeHooks: ecss_store_hooks?
}

/// Opens plugin libraries and checks their descriptors against the host's ABI.
///
/// The loader is strict: `dlopen(RTLD_NOW | RTLD_LOCAL)`, `dlerror()` checked around
/// `dlsym`, every field checked, and a library that fails any check closed again. Fields are
/// read only within the `struct_size` the plugin states.
struct PluginLoader {
    static let hostMajor = UInt16(ECSS_ABI_MAJOR)
    static let hostMinor = UInt16(ECSS_ABI_MINOR)
    static var hostVersion: String { "\(hostMajor).\(hostMinor)" }

    /// The size of each struct in ABI 1.0, the smallest a plugin may state. Every field up to
    /// the named one is part of 1.0; fields appended later are read as zero when missing.
    static let descriptorMinimumSize = MemoryLayout<ecss_plugin_descriptor>.offset(of: \.store)!
        + MemoryLayout<UnsafeRawPointer?>.size
    static let triggerHooksMinimumSize = MemoryLayout<ecss_trigger_hooks>.offset(of: \.on_shutdown)!
        + MemoryLayout<UnsafeRawPointer?>.size
    static let storeHooksMinimumSize = MemoryLayout<ecss_store_hooks>.offset(of: \.on_close)!
        + MemoryLayout<UnsafeRawPointer?>.size

    /// Opens the library at `file` and checks its descriptor.
    func open(_ file: PluginSearchPath.File) -> Result<OpenedLibrary, PluginRejection> {
        let path = file.realPath
        _ = dlerror()
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let detail = lastDLError() ?? "dlopen failed"
            return .failure(PluginRejection(.notLoadable, path: path, message:
                "Cannot load plugin \(path): \(detail). Fix: build it as a shared library for this system "
                + "(cc -shared -fPIC), or move it out of \(file.folder)."))
        }
        let result = checkedLibrary(library, file: file)
        if case .failure = result {
            // Only the library's constructors and its entry function have run, so closing it is safe.
            dlclose(library)
        }
        return result
    }

    private func checkedLibrary(_ library: UnsafeMutableRawPointer, file: PluginSearchPath.File)
        -> Result<OpenedLibrary, PluginRejection> {
        let path = file.realPath

        // Find and call the entry function.
        _ = dlerror()
        let symbol = dlsym(library, ECSS_PLUGIN_ENTRY_SYMBOL)
        if let detail = lastDLError() ?? (symbol == nil ? "the symbol is NULL" : nil) {
            return .failure(PluginRejection(.missingEntry, path: path, message:
                "Plugin \(path) does not export \(ECSS_PLUGIN_ENTRY_SYMBOL) (\(detail)). Fix: define it with "
                + "ECSS_DECLARE_PLUGIN(descriptor) in C or @_cdecl(\"\(ECSS_PLUGIN_ENTRY_SYMBOL)\") in Swift, "
                + "or move the file out of \(file.folder)."))
        }
        let entry = unsafeBitCast(symbol, to: ecss_plugin_entry_fn.self)
        guard let descriptorPointer = entry() else {
            return .failure(PluginRejection(.missingDescriptor, path: path, message:
                "Plugin \(path) returned NULL from \(ECSS_PLUGIN_ENTRY_SYMBOL). Fix: return a pointer to a "
                + "static ecss_plugin_descriptor."))
        }

        // Check the descriptor's header before reading anything else.
        // The descriptor starts with magic and struct_size in every ABI version; load only those.
        let magic = UnsafeRawPointer(descriptorPointer).load(as: UInt32.self)
        guard magic == ECSS_PLUGIN_MAGIC else {
            return .failure(PluginRejection(.badMagic, path: path, message:
                "Plugin \(path) has descriptor magic \(hex(magic)), expected \(hex(ECSS_PLUGIN_MAGIC)). "
                + "Fix: set .magic = ECSS_PLUGIN_MAGIC in its ecss_plugin_descriptor and rebuild it, "
                + "or move the file out of \(file.folder) if it is not an ecs-scheduler plugin."))
        }
        let size = Int(UnsafeRawPointer(descriptorPointer).load(fromByteOffset: 4, as: UInt32.self))
        guard size >= Self.descriptorMinimumSize else {
            return .failure(tooSmall("ecss_plugin_descriptor", size: size, minimum: Self.descriptorMinimumSize,
                                     path: path))
        }
        let descriptor = readStruct(descriptorPointer, size: size)
        if let rejection = versionRejection(major: descriptor.abi_major, minor: descriptor.abi_minor, path: path) {
            return .failure(rejection)
        }

        // Identity, then the hook table of the plugin's kind.
        guard let typeName = descriptor.type_name.map({ String(cString: $0) }), Self.isValidTypeName(typeName) else {
            let shown = descriptor.type_name.map { "\"\(String(cString: $0))\"" } ?? "NULL"
            return .failure(PluginRejection(.invalidTypeName, path: path, message:
                "Plugin \(path) has the invalid type name \(shown). Fix: set .type_name to 1 to 64 lowercase "
                + "letters, digits, '-' and '_', and rebuild it."))
        }
        var info = PluginInfo(
            kind: .trigger, typeName: typeName,
            version: descriptor.plugin_version.map { String(cString: $0) } ?? "unversioned",
            summary: descriptor.description.map { String(cString: $0) } ?? "",
            path: path, abiVersion: "\(descriptor.abi_major).\(descriptor.abi_minor)")
        switch descriptor.kind {
        case UInt32(ECSS_KIND_TRIGGER.rawValue):
            return triggerHooks(descriptor.trigger, path: path, typeName: typeName).map {
                OpenedLibrary(library: library, info: info, triggerHooks: $0, storeHooks: nil)
            }
        case UInt32(ECSS_KIND_STORE.rawValue):
            info.kind = .store
            return storeHooks(descriptor.store, path: path, typeName: typeName).map {
                OpenedLibrary(library: library, info: info, triggerHooks: nil, storeHooks: $0)
            }
        default:
            return .failure(PluginRejection(.unknownKind, path: path, message:
                "Plugin \(path) has the unknown kind \(descriptor.kind). Fix: set .kind to ECSS_KIND_TRIGGER or "
                + "ECSS_KIND_STORE and rebuild it."))
        }
    }

    /// Applies the version rule: same major version, plugin minor version at most the host's.
    private func versionRejection(major: UInt16, minor: UInt16, path: String) -> PluginRejection? {
        let pluginVersion = "\(major).\(minor)"
        if major != Self.hostMajor {
            return PluginRejection(.abiMajorMismatch, path: path, message:
                "Plugin \(path) was built for plugin ABI \(pluginVersion), but this host implements ABI "
                + "\(Self.hostVersion) and major versions must match. Fix: rebuild the plugin against the "
                + "ecss_plugin.h of this ecs-scheduler (ABI \(Self.hostVersion)), or run an ecs-scheduler "
                + "of ABI \(major).x.")
        }
        if minor > Self.hostMinor {
            return PluginRejection(.abiMinorTooNew, path: path, message:
                "Plugin \(path) was built for plugin ABI \(pluginVersion), newer than the ABI \(Self.hostVersion) "
                + "of this host. Fix: upgrade ecs-scheduler, or rebuild the plugin against the ecss_plugin.h "
                + "of this ecs-scheduler (ABI \(Self.hostVersion)).")
        }
        return nil
    }

    private func triggerHooks(_ pointer: UnsafePointer<ecss_trigger_hooks>?, path: String, typeName: String)
        -> Result<ecss_trigger_hooks, PluginRejection> {
        guard let pointer else {
            return .failure(missingHook(".trigger", table: "ecss_plugin_descriptor", path: path, typeName: typeName))
        }
        let size = structSize(pointer)
        guard size >= Self.triggerHooksMinimumSize else {
            return .failure(tooSmall("ecss_trigger_hooks", size: size, minimum: Self.triggerHooksMinimumSize,
                                     path: path))
        }
        let hooks = readStruct(pointer, size: size)
        if hooks.on_validate == nil {
            return .failure(missingHook(".on_validate", table: "ecss_trigger_hooks", path: path, typeName: typeName))
        }
        if hooks.on_evaluate == nil {
            return .failure(missingHook(".on_evaluate", table: "ecss_trigger_hooks", path: path, typeName: typeName))
        }
        return .success(hooks)
    }

    private func storeHooks(_ pointer: UnsafePointer<ecss_store_hooks>?, path: String, typeName: String)
        -> Result<ecss_store_hooks, PluginRejection> {
        guard let pointer else {
            return .failure(missingHook(".store", table: "ecss_plugin_descriptor", path: path, typeName: typeName))
        }
        let size = structSize(pointer)
        guard size >= Self.storeHooksMinimumSize else {
            return .failure(tooSmall("ecss_store_hooks", size: size, minimum: Self.storeHooksMinimumSize, path: path))
        }
        let hooks = readStruct(pointer, size: size)
        let required: [(String, Bool)] = [
            (".on_open", hooks.on_open != nil), (".on_load_all", hooks.on_load_all != nil),
            (".on_create", hooks.on_create != nil), (".on_update", hooks.on_update != nil),
            (".on_delete", hooks.on_delete != nil),
        ]
        if let missing = required.first(where: { !$0.1 }) {
            return .failure(missingHook(missing.0, table: "ecss_store_hooks", path: path, typeName: typeName))
        }
        return .success(hooks)
    }

    private func missingHook(_ field: String, table: String, path: String, typeName: String) -> PluginRejection {
        PluginRejection(.missingHook, path: path, message:
            "Plugin \(path) (type \(typeName)) leaves the required field \(field) of its \(table) NULL. "
            + "Fix: set \(field) and rebuild it.")
    }

    private func tooSmall(_ table: String, size: Int, minimum: Int, path: String) -> PluginRejection {
        PluginRejection(.structTooSmall, path: path, message:
            "Plugin \(path) states a \(table) of \(size) bytes, less than the \(minimum) bytes of plugin ABI 1.0. "
            + "Fix: set .struct_size = sizeof(\(table)) and rebuild it.")
    }

    /// Returns whether `name` is 1 to 64 of `a-z`, `0-9`, `-` and `_`.
    static func isValidTypeName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}

/// Returns the message of the last dl* failure, or nil when there was none.
private func lastDLError() -> String? {
    guard let message = dlerror() else { return nil }
    return String(cString: message)
}

private func hex(_ value: UInt32) -> String {
    "0x" + String(value, radix: 16, uppercase: true).leftPadded(to: 8)
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
