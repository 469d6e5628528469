import ArgumentParser

struct DirectoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Read, check, summarise and generate provider directories.",
        subcommands: [DirectoryValidate.self, DirectoryImportCommand.self, DirectoryPull.self, DirectoryStatsCommand.self, DirectoryGenerate.self])
}

/// Options every command that reads directories shares.
struct DirectoryReadingOptions: ParsableArguments {
    @Option(name: .customLong("taxonomy-map"), help: ArgumentHelp(
        "The taxonomy map (default: config/taxonomy-map.json, or $TRELLIS_TAXONOMY_MAP).", valueName: "file"))
    var taxonomyMap: String?
}
