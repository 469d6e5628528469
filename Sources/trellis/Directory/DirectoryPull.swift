import ArgumentParser
import Foundation
import TrellisCore
import TrellisDelivery
import TrellisDirectory
import TrellisServer
import TrellisStore

struct DirectoryPull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull a directory over HTTPS (an Open Referral HSDA API, or an AIRS XML export) and store it.",
        discussion: """
        --hsda URL reads the API's paged GET /services?page=N&per_page=M&full=true (full service records), \
        following total_pages; URL is the API's address, with or without /services. --airs URL reads one \
        AIRS XML export. Each page is asked for with the ETag (If-None-Match) and Last-Modified \
        (If-Modified-Since) of the last stored pull: when every page answers 304 Not Modified, nothing is \
        read or stored. The pages are kept in the feed cache (directories.feed_cache in config/trellis.json, \
        else feeds/ beside the SQLite database: data/feeds by default), and only once the directory is \
        stored. Records are read as `directory import` reads files and stored in the database (--db, \
        $TRELLIS_DB or `database` in config/trellis.json) under --source. \
        Exit status: 0 stored or unchanged, 1 some records were rejected (the rest were stored), 2 the pull \
        failed (the message names the URL and page; nothing was stored).
        """)

    @Option(help: ArgumentHelp("An Open Referral HSDA API's address (https://api.example.org/hsds).", valueName: "url"))
    var hsda: String?

    @Option(help: ArgumentHelp("An AIRS XML export's address.", valueName: "url"))
    var airs: String?

    @Option(help: ArgumentHelp("The name this directory is imported under (default: the URL's host).", valueName: "name"))
    var source: String?

    @Option(name: .customLong("page-size"), help: "HSDA services asked for per page (per_page), 1 to 1000.")
    var pageSize = DirectoryFeed.defaultPageSize

    @Option(help: ArgumentHelp("The feed cache folder (default: directories.feed_cache, or feeds/ beside the database).", valueName: "dir"))
    var cache: String?

    @Flag(help: "Print one JSON object: the URL, source, outcome (imported or unchanged), pages, and the import report.")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Who is pulling, for the audit trail (default: cli:$USER).", valueName: "user"))
    var by: String?

    func validate() throws {
        guard (hsda == nil) != (airs == nil) else { throw ValidationError("give one of --hsda URL or --airs URL") }
        guard (1...1_000).contains(pageSize) else { throw ValidationError("--page-size is 1 to 1000") }
        if let source { guard source.nonBlank != nil else { throw ValidationError("--source must not be blank") } }
    }

    func run() async throws {
        let feed: DirectoryFeed
        do {
            let url = try DirectoryFeed.checkedURL(hsda ?? airs ?? "")
            feed = DirectoryFeed(kind: hsda != nil ? .hsda : .airs, url: url, source: source?.nonBlank ?? DirectoryFeed.defaultSource(for: url),
                                 pageSize: pageSize)
        } catch {
            Terminal.error("trellis: --\(hsda != nil ? "hsda" : "airs") \(error)")
            throw ExitCode.unreadable
        }
        let run = try DirectoryRun.prepare(reading)
        let settings = try store.settings()
        let configured = try TrellisSettingsFile.load(explicit: store.config).directories?.feedCache
        let folder = DirectorySettings.cacheFolder(explicit: cache ?? configured, location: settings.location)
        let client = CurlClient(concurrency: 1)
        let pull = FeedPull(fetcher: FeedFetcher(client: client, cache: FeedCache(folder: folder)), reader: run.reader)
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "operations")
        let label = DirectoryFeed.shown(feed.url.absoluteString)
        let outcome: FeedPull.Outcome
        do {
            outcome = try await store.withStore(settings) { store in
                do {
                    return try await pull.run(feed, store: store, matching: nil, context: context) { page, total in
                        guard Terminal.isInteractive else { return }
                        FileHandle.standardError.write(Data("\r\u{1B}[Kpulling \(label): page \(page)\(total.map { " of \($0)" } ?? "")".utf8))
                    }
                } catch let error as FeedError {
                    throw CommandFailure(error.description)
                }
            }
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            if Terminal.isInteractive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            throw error
        }
        if Terminal.isInteractive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try print(outcome, feed: feed, database: settings.location.description)
        if case .imported(let report, _) = outcome, report.rejected > 0 { throw ExitCode.someRejected }
    }

    private func print(_ outcome: FeedPull.Outcome, feed: DirectoryFeed, database: String) throws {
        switch outcome {
        case .unchanged(let pages):
            if json {
                try PullOutput(url: DirectoryFeed.shown(feed.url.absoluteString), source: feed.source, kind: feed.kind.rawValue, outcome: "unchanged", pages: pages, report: nil).write()
            } else {
                Swift.print("\(DirectoryFeed.shown(feed.url.absoluteString)): unchanged since the last pull (\(pages) page\(pages == 1 ? "" : "s") answered 304 Not Modified); nothing stored")
            }
        case .imported(var report, let snapshot):
            report.stored = .init(database: database, snapshot: snapshot.id, services: snapshot.serviceCount)
            if json {
                try PullOutput(url: DirectoryFeed.shown(feed.url.absoluteString), source: feed.source, kind: feed.kind.rawValue, outcome: "imported",
                               pages: report.files.count, report: report).write()
            } else {
                Swift.print("\(DirectoryFeed.shown(feed.url.absoluteString)): \(report.files.count) page\(report.files.count == 1 ? "" : "s"), \(report.services) services, \(report.rejected) rejected, \(report.warnings) warnings")
                for file in report.files {
                    for rejection in file.rejected.prefix(20) { Swift.print("  \(file.path):\(rejection.line): error: \(rejection.reason)") }
                }
                Swift.print("stored \(snapshot.serviceCount) services from \(feed.source) in \(database) (snapshot \(snapshot.id))")
            }
        }
    }
}

/// `directory pull --json`.
private struct PullOutput: Encodable {
    var url: String
    var source: String
    var kind: String
    var outcome: String
    var pages: Int
    var report: ReadingReport?

    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(self) + Data("\n".utf8))
    }
}
