import Foundation

/// Copies `text` into memory from malloc (what host_alloc returns), for handing to a plugin.
func mallocCString(_ text: String) -> UnsafeMutablePointer<CChar> {
    guard let copy = strdup(text) else { fatalError("Out of memory copying a string for a plugin") }
    return copy
}

/// Copies `bytes` into memory from malloc with a NUL byte after the last one.
func mallocBytes(_ bytes: Data) -> UnsafeMutablePointer<UInt8> {
    guard let raw = malloc(bytes.count + 1) else { fatalError("Out of memory copying a body for a plugin") }
    let buffer = raw.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
    bytes.copyBytes(to: buffer, count: bytes.count)
    buffer[bytes.count] = 0
    return buffer
}

/// Reads a string that a plugin allocated with host_alloc and frees it.
func takePluginString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
}

/// Stores `text` in `*out` as a malloc'd string, when `out` is not NULL.
func setErrorOut(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ text: String) {
    out?.pointee = mallocCString(text)
}
