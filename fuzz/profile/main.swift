// libFuzzer harness: the needs-profile decoder (TrellisCore's NeedsProfile through JSONDecoder, as
// POST /v1/matches, the profile form and `trellis match --profile` decode it).
// Besides crashes it checks what the store relies on: a decoded profile is encoded and stored, and
// read back later with the same decoder (TrellisStore SealedPerson), so encode → decode must give
// the same profile, and an error must name its field (DecodingError.fieldAndReason) without trapping.
import Foundation
import TrellisCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let profile: NeedsProfile
    do {
        profile = try JSONDecoder().decode(NeedsProfile.self, from: bytes)
    } catch let error as DecodingError {
        let (field, reason) = error.fieldAndReason
        _ = "\(field): \(reason)"
        return 0
    } catch {
        return 0
    }

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let encoded: Data
    do { encoded = try encoder.encode(profile) } catch {
        FuzzSupport.violated("a decoded profile does not encode: \(error)")
    }
    let again: NeedsProfile
    do { again = try JSONDecoder().decode(NeedsProfile.self, from: encoded) } catch {
        FuzzSupport.violated("an encoded profile does not decode: \(error)\n  encoded: \(String(decoding: encoded, as: UTF8.self))")
    }
    if again != profile {
        FuzzSupport.violated("encode → decode changed the profile\n  first:  \(profile)\n  second: \(again)")
    }
    _ = profile.needs.map(\.category)
    return 0
}
