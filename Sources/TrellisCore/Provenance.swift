/// Where a record came from, so any result can be traced back to its source record.
public struct Provenance: Hashable, Codable, Sendable {
    public enum Format: String, Vocabulary, Sendable {
        public static let vocabularyName = "directory format"

        case airs
        case hsds
    }

    public var format: Format
    /// The source the record key is unique within (AIRS `SourceEntity`, or `hsds`).
    public var source: String
    /// The file as it was named when read.
    public var file: String
    /// The record's own key in its source.
    public var recordKey: String
    /// 1-based line where the record starts.
    public var line: Int

    public init(format: Format, source: String, file: String, recordKey: String, line: Int) {
        self.format = format
        self.source = source
        self.file = file
        self.recordKey = recordKey
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case format, source, file, line
        case recordKey = "record_key"
    }
}
