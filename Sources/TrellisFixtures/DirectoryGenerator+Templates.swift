import TrellisCore

extension DirectoryGenerator {
    enum Slot: String, Sendable {
        case agency, city, county, state, founded, recent, num, few, share, big, pct, day, morning, evening, phone, lang, partner, month, route, noun
    }

    /// A sentence with `{slot}` placeholders, parsed once.
    struct Template: Sendable {
        enum Piece: Sendable {
            case text(String)
            case slot(Slot)
        }

        let pieces: [Piece]

        init(_ raw: String) {
            var pieces: [Piece] = []
            var rest = Substring(raw)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
                let name = String(rest[rest.index(after: open)..<close])
                if let slot = Slot(rawValue: name) {
                    pieces.append(.slot(slot))
                } else {
                    pieces.append(.text(String(rest[open...close])))
                }
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { pieces.append(.text(String(rest))) }
            self.pieces = pieces
        }
    }

    /// What the slots of a service's or agency's texts are filled with.
    struct TextContext {
        var agency: String
        var city: String
        var county: String
        var state: String
        var founded: Int
        var phone: String
        var language: String
        var noun: String
    }

    /// Fills templates into plain text (escaping is the writer's job).
    struct TextBuilder {
        var rng: SplitMix64
        let context: TextContext

        mutating func append(_ template: Template, to out: inout String) {
            for piece in template.pieces {
                switch piece {
                case .text(let text): out += text
                case .slot(let slot): appendSlot(slot, to: &out)
                }
            }
        }

        private mutating func appendSlot(_ slot: Slot, to out: inout String) {
            switch slot {
            case .agency: out += context.agency
            case .city: out += context.city
            case .county: out += context.county
            case .state: out += context.state
            case .founded: out += String(context.founded)
            case .recent: out += String(rng.int(in: max(context.founded + 1, 2008)...2024))
            case .num: out += String(rng.int(in: 3...48))
            case .few: out += String(rng.int(in: 2...10))
            case .share: out += String(rng.int(in: 60...95))
            case .big: out += DirectoryGenerator.grouped(rng.int(in: 2...90) * 100)
            case .pct: out += String(rng.pick([150, 185, 200, 250]))
            case .day: out += rng.pick(DirectoryGenerator.weekdays)
            case .morning: out += rng.pick(DirectoryGenerator.mornings)
            case .evening: out += rng.pick(DirectoryGenerator.evenings)
            case .phone: out += context.phone
            case .lang: out += context.language
            case .partner: out += rng.pick(DirectoryGenerator.partners)
            case .month: out += rng.pick(DirectoryGenerator.months)
            case .route: out += String(rng.int(in: 2...99))
            case .noun: out += context.noun
            }
        }

        /// Appends sentences drawn without repetition from `pool` until `count` are written or the text
        /// reaches `goal` bytes past `start`, with at least `minimum` sentences.
        mutating func appendSentences(from pool: [Template], minimum: Int, maximum: Int, goal: Int, start: Int,
                                      heading: String?, to out: inout String) {
            var used: UInt64 = 0
            var count = 0
            let limit = min(maximum, pool.count, 64)
            while count < limit && (count < minimum || out.utf8.count - start < goal) {
                var i = rng.int(below: pool.count)
                while i >= 64 || used & (1 << UInt64(i)) != 0 { i = (i + 1) % min(pool.count, 64) }
                used |= 1 << UInt64(i)
                if out.utf8.count > start { out += " " }
                if count == 0, let heading { out += heading }
                append(pool[i], to: &out)
                count += 1
            }
        }
    }
}
