import ArgumentParser

struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "E-mail notices to agencies: that a referral waits in their Trellis inbox, never what it says.",
        discussion: """
        Settings: the `mail` object of config/trellis.json (url, from, from_name, username, password, starttls, \
        ca_file, site_url, connect_timeout_seconds, timeout_seconds), each under an environment variable \
        TRELLIS_SMTP_<KEY>: TRELLIS_SMTP_URL, TRELLIS_SMTP_FROM, TRELLIS_SMTP_USER, TRELLIS_SMTP_PASSWORD, ...
        """,
        subcommands: [MailTest.self])
}
