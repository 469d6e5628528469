import Foundation

/// The paging fields of one HSDA list page (`total_items`, `total_pages`, `page_number`, `size`,
/// `last_page`, `contents`), checked before the page is kept: a page cut short or not a page at all
/// fails the pull, naming the URL and page, instead of importing half a directory.
struct HSDAPageEnvelope {
    var totalPages: Int?
    var lastPage: Bool?
    var contents: Int

    init(_ body: Data, url: URL, page: Int) throws(FeedError) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: body) } catch {
            throw FeedError(url: url.absoluteString, page: page, "not valid JSON (cut short?): \(body.count) bytes")
        }
        guard let fields = object as? [String: Any], let contents = fields["contents"] as? [Any] else {
            throw FeedError(url: url.absoluteString, page: page, "not an HSDA page: no \"contents\" array")
        }
        self.contents = contents.count
        // Numbers from the feed are bounded before use; a negative or huge page count is refused.
        if let pages = fields["total_pages"] {
            guard let number = pages as? NSNumber, let total = Int(exactly: number.doubleValue), (0...FeedFetcher.maximumPages).contains(total) else {
                throw FeedError(url: url.absoluteString, page: page, "\"total_pages\" is not a page count from 0 to \(FeedFetcher.maximumPages)")
            }
            totalPages = total
        }
        lastPage = fields["last_page"] as? Bool
        if totalPages == nil, lastPage == nil {
            // Neither says whether more follow: an empty page ends the list.
            lastPage = contents.isEmpty
        }
    }
}
