import CLibXML2

/// The AIRS element names the reader looks for. libxml2's reader interns element names in its
/// dictionary, so each name is looked up once per file and then compared by pointer.
enum AIRSElement: Int, CaseIterable {
    case agency, site, agencyLocation, siteService
    case key, name, agencyDescription, description, url, address, email, aka, resourceInfo
    case spatialLocation, latitude, longitude, datum, geographicAreaServed, physicalAddress
    case line1, line2, city, county, state, zipCode, country
    case languages, timeOpen, notes, from, to, phone, phoneNumber, phoneExtension, taxonomy, code
    case ageRequirements, genderRequirements, residencyRequirements, generalEligibility
    case otherRequirements, familyRequirements, incomeRequirements, paymentMethodAccepted, feeStructure
    case disabilitiesAccess
    case applicationProcess, step

    /// The element's name in AIRS XML: the case name capitalised, but for a few.
    var tag: String { Self.tags[rawValue] }

    private static let tags: [String] = allCases.map { element in
        switch element {
        case .url: "URL"
        case .aka: "AKA"
        case .phoneExtension: "Extension"
        default:
            String(describing: element).prefix(1).uppercased() + String(describing: element).dropFirst()
        }
    }
}

/// The interned pointer of every `AIRSElement` in one reader's dictionary.
final class AIRSNames: @unchecked Sendable {
    // Immutable after init; the pointers belong to the reader's dictionary, which outlives us.
    private let pointers: [UnsafePointer<xmlChar>?]

    /// Interns each name with `xmlTextReaderConstString`, libxml2's way to speed up name comparisons.
    init(reader: xmlTextReaderPtr) {
        pointers = AIRSElement.allCases.map { element in
            element.tag.withCString { name in
                xmlTextReaderConstString(reader, UnsafeRawPointer(name).assumingMemoryBound(to: xmlChar.self))
            }
        }
    }

    /// The same names in a parsed document's dictionary (where libxml2 interns a DOM's element names).
    init(dictionary: OpaquePointer) {
        pointers = AIRSElement.allCases.map { element in
            element.tag.withCString { name in
                xmlDictLookup(dictionary, UnsafeRawPointer(name).assumingMemoryBound(to: xmlChar.self), -1)
            }
        }
    }

    @inline(__always) subscript(_ element: AIRSElement) -> UnsafePointer<xmlChar>? { pointers[element.rawValue] }
}
