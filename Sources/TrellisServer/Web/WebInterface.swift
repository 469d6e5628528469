import Foundation
import Hummingbird

/// The web pages as the server mounts them: their settings and loaded templates.
public struct WebInterface: Sendable {
    let settings: WebSettings
    let pages: WebPages

    /// Loads every template once; a missing folder or a template that does not parse fails here, at start.
    public static func load(_ settings: WebSettings) async throws -> WebInterface {
        guard FileManager.default.fileExists(atPath: settings.templatesDirectory + "/layout.mustache") else {
            throw WebSetupError(message: "no page templates in \(settings.templatesDirectory) (expected layout.mustache and the pages beside it)")
        }
        return WebInterface(settings: settings, pages: try await WebPages.load(from: settings.templatesDirectory))
    }

    /// `/static/NAME`: the stylesheet and images, from the static folder only, by plain file name.
    func addStaticRoutes(to router: Router<TrellisRequestContext>) {
        let folder = settings.staticDirectory
        router.get("/static/:file") { _, context in
            let name = try context.parameters.require("file")
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }), !name.hasPrefix("."),
                  let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw APIError.notFound("no such file")
            }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : (name.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream")
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

public struct WebSetupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
