import Testing
import TrellisServer

/// Session cookies are `Secure` unless plain-HTTP development is asked for, and only loopback may ask.
@Suite struct CookieSecurityTests {
    @Test(arguments: [
        ("127.0.0.1", false, true), ("localhost", false, true), ("0.0.0.0", false, true), ("10.1.2.3", false, true),
        ("127.0.0.1", true, false), ("localhost", true, false), ("::1", true, false), ("127.0.0.2", true, false),
    ])
    func cookiesAreSecureUnlessInsecureIsAskedOnLoopback(_ host: String, _ insecure: Bool, _ secure: Bool) throws {
        #expect(try WebSettings.secureCookies(host: host, insecureRequested: insecure) == secure)
    }

    @Test(arguments: ["0.0.0.0", "10.1.2.3", "trellis.example.org", "::", "127.0.0.1.example.org"])
    func insecureCookiesAreRefusedOffLoopback(_ host: String) {
        #expect(throws: WebSetupError.self) { try WebSettings.secureCookies(host: host, insecureRequested: true) }
    }
}
