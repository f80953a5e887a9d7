import CCrypto
import Foundation

/// SHA-256 and HMAC-SHA-256 from OpenSSL's libcrypto, for request signing.
enum Crypto {
    static let digestLength = 32

    /// Computes the SHA-256 digest of `data`.
    static func sha256(_ data: some ContiguousBytes) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let succeeded = data.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only when OpenSSL cannot set up the digest (no memory or no
        // provider), and nothing can continue after that.
        precondition(succeeded == 1 && length == digestLength, "EVP_Digest(SHA-256) failed")
        return digest
    }

    /// Computes HMAC-SHA-256 of `message` under `key`.
    static func hmacSHA256(key: some ContiguousBytes, message: some ContiguousBytes) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                mac.withUnsafeMutableBufferPointer { output in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                         output.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == digestLength, "HMAC(SHA-256) failed")
        return mac
    }

    /// Formats bytes as lowercase hexadecimal.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
