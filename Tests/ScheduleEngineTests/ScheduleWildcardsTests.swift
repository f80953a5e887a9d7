import Testing
import ScheduleEngine

@Suite struct ScheduleWildcardsTests {
    @Test func fillsSecondWithValueInRange() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let filled = ScheduleWildcards.fill("? */5", using: &generator)
            let fields = filled.split(separator: " ")
            #expect(fields.count == 2)
            #expect(fields[1] == "*/5")
            let second = try #require(Int(fields[0]))
            #expect((0...59).contains(second))
            _ = try Schedule.parse(filled)
        }
    }

    @Test func coversWholeRangeOfEachField() throws {
        var generator = SeededGenerator(seed: 8)
        var seen: [Set<Int>] = [[], [], []]
        for _ in 0..<3_000 {
            let fields = ScheduleWildcards.fill("? ? ? * * 1", using: &generator).split(separator: " ")
            for index in 0..<3 {
                seen[index].insert(try #require(Int(fields[index])))
            }
        }
        #expect(seen[0] == Set(0...59))
        #expect(seen[1] == Set(0...59))
        #expect(seen[2] == Set(0...23))
    }

    @Test func sameSeedGivesSameSchedule() {
        var first = SeededGenerator(seed: 9)
        var second = SeededGenerator(seed: 9)
        #expect(ScheduleWildcards.fill("? ? 3", using: &first) == ScheduleWildcards.fill("? ? 3", using: &second))
    }

    @Test func leavesOtherTextUnchanged() {
        var generator = SeededGenerator(seed: 10)
        for text in ["0 */5", "0 0 0 * * ?", "?/5 *", "rate:5 minutes", "", "  0  ?x", "0 0 0 ?"] {
            #expect(ScheduleWildcards.fill(text, using: &generator) == text)
        }
    }

    @Test func keepsSpacingAndLaterFields() {
        var generator = SeededGenerator(seed: 11)
        let filled = ScheduleWildcards.fill("  ?\t?  9 mon-fri", using: &generator)
        #expect(filled.hasPrefix("  "))
        #expect(filled.hasSuffix("  9 mon-fri"))
        #expect(filled.contains("\t"))
        #expect(!filled.contains("?"))
    }

    @Test func fillsCronMinuteAndHour() throws {
        var generator = SeededGenerator(seed: 12)
        let filled = ScheduleWildcards.fill("cron:? ? * * 1-5", using: &generator)
        let fields = filled.dropFirst("cron:".count).split(separator: " ")
        #expect(filled.hasPrefix("cron:"))
        #expect((0...59).contains(try #require(Int(fields[0]))))
        #expect((0...23).contains(try #require(Int(fields[1]))))
        #expect(fields[2...] == ["*", "*", "1-5"])
        _ = try Schedule.parse(filled)
    }

    @Test func systemGeneratorFillsToo() throws {
        let filled = ScheduleWildcards.fill("? ? ?")
        #expect(!filled.contains("?"))
        _ = try Schedule.parse(filled)
    }
}
