import Testing
import TrellisServer

@Suite struct PasswordsTests {
    @Test func aHashVerifiesItsPasswordAndNoOther() {
        let hash = Passwords.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$2"))
        #expect(hash.split(separator: "$").dropFirst().first == "12", "real accounts are hashed at cost 12: \(hash.prefix(7))")
        #expect(!hash.contains("correct horse"))
        #expect(Passwords.verify("correct horse battery staple", against: hash))
        #expect(!Passwords.verify("correct horse battery stapler", against: hash))
        #expect(Passwords.hash("correct horse battery staple") != hash, "each hash has its own salt")
    }

    @Test(arguments: [("short", "at least 12"), (String(repeating: "é", count: 40), "at most 72 bytes"), ("long enough password", nil)])
    func passwordsTooShortOrTooLongAreRefused(_ password: String, _ problem: String?) {
        if let problem { #expect(Passwords.problem(password)?.contains(problem) == true) } else { #expect(Passwords.problem(password) == nil) }
    }
}
