/// Maps the language names directories write ("Spanish", "ASL", "Mandarin") to BCP 47 codes, so
/// they compare with the codes a needs profile carries.
public enum LanguageCode {
    /// The BCP 47 code for a name or code, or nil when it is not a language we know.
    public static func fromName(_ raw: String) -> String? {
        let key = raw.trimmingWhitespace().lowercased()
        if key.isEmpty { return nil }
        if let code = byName[key] { return code }
        // Already a code ("es", "es-MX", "zh-Hant")? Keep its primary subtag.
        let primary = key.split(separator: "-").first.map(String.init) ?? key
        if knownCodes.contains(primary) { return primary }
        // "Spanish (Mexican)", "Chinese - Mandarin": try the words one by one.
        let words = key.split(whereSeparator: { !$0.isLetter }).map(String.init)
        for word in words.reversed() { if let code = byName[word] { return code } }
        return nil
    }

    /// Splits a field that names several languages ("Spanish, Vietnamese and Somali").
    public static func splitNames(_ raw: String) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        let bytes = Array(raw.utf8)
        var i = 0
        func flush() {
            if let part = String(decoding: current, as: UTF8.self).nonBlank { parts.append(part) }
            current.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: "/") || b == UInt8(ascii: "|") {
                flush()
                i += 1
            } else if b == 0x20, i + 4 < bytes.count, bytes[i + 4] == 0x20,
                      bytes[i + 1] | 0x20 == UInt8(ascii: "a"), bytes[i + 2] | 0x20 == UInt8(ascii: "n"), bytes[i + 3] | 0x20 == UInt8(ascii: "d") {
                flush()
                i += 5
            } else {
                current.append(b)
                i += 1
            }
        }
        flush()
        return parts
    }

    static let byName: [String: String] = [
        "english": "en", "spanish": "es", "español": "es", "espanol": "es", "french": "fr", "german": "de",
        "italian": "it", "portuguese": "pt", "russian": "ru", "ukrainian": "uk", "polish": "pl", "romanian": "ro",
        "greek": "el", "turkish": "tr", "arabic": "ar", "hebrew": "he", "farsi": "fa", "persian": "fa", "dari": "prs",
        "pashto": "ps", "urdu": "ur", "hindi": "hi", "punjabi": "pa", "bengali": "bn", "gujarati": "gu",
        "tamil": "ta", "telugu": "te", "nepali": "ne", "chinese": "zh", "mandarin": "zh", "cantonese": "yue",
        "japanese": "ja", "korean": "ko", "vietnamese": "vi", "tagalog": "tl", "filipino": "fil", "ilocano": "ilo",
        "thai": "th", "lao": "lo", "laotian": "lo", "khmer": "km", "cambodian": "km", "hmong": "hmn", "burmese": "my",
        "karen": "kar", "karenni": "kyu", "chin": "cnh", "somali": "so", "swahili": "sw", "amharic": "am",
        "tigrinya": "ti", "oromo": "om", "kinyarwanda": "rw", "kirundi": "rn", "dinka": "din", "nuer": "nus",
        "haitian creole": "ht", "creole": "ht", "bosnian": "bs", "serbian": "sr", "croatian": "hr",
        "albanian": "sq", "armenian": "hy", "kurdish": "ku", "sign language": "ase", "american sign language": "ase",
        "asl": "ase", "navajo": "nv", "lakota": "lkt", "ojibwe": "oj", "hungarian": "hu", "czech": "cs", "dutch": "nl",
        "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi", "indonesian": "id", "malay": "ms",
        "marshallese": "mh", "samoan": "sm", "tongan": "to", "chuukese": "chk", "yiddish": "yi", "latvian": "lv",
        "lithuanian": "lt",
    ]

    static let knownCodes: Set<String> = Set(byName.values)
}
