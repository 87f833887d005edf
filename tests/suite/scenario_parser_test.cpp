// The scenario syntax of spec/start-join.md: what parses into what, and malformed blocks that
// must be rejected with file, line and reason.
#include <gtest/gtest.h>

#include <ostream>

#include "scenario.hpp"
#include "spec_document.hpp"

namespace startjoin::conformance {
namespace {

namespace kind = statement_kind;

scenario parse(const std::vector<std::string>& lines) {
    return parse_scenario(scenario_block{"join.after-exit", "spec/test.md", 10, lines});
}

// Parses `lines` expecting a failure; returns the message.
std::string failure_of(const std::vector<std::string>& lines) {
    try {
        parse(lines);
    } catch (const located_error& error) {
        return error.what();
    }
    ADD_FAILURE() << "the block parsed, but must be rejected";
    return {};
}

TEST(ScenarioParser, SeedExampleParsesIntoItsStatements) {
    const scenario parsed = parse({
        "process worker: print \"Starting worker\"; wait work; print \"Worker completed\"",
        "start worker",
        "join worker releasing work   # the gate opens once join() blocks",
        "print \"Parent process completed\"",
        "end",
        "stdout =>",
        "  | Starting worker",
        "  | Worker completed",
        "  | Parent process completed",
    });
    ASSERT_EQ(parsed.statements.size(), 6u);
    const auto& define = std::get<kind::define_process>(parsed.statements[0].what);
    EXPECT_EQ(define.name, "worker");
    ASSERT_EQ(define.steps.size(), 3u);
    EXPECT_EQ(std::get<protocol::step::print>(define.steps[0]).text, "Starting worker");
    EXPECT_EQ(std::get<protocol::step::wait>(define.steps[1]).gate, "work");
    EXPECT_EQ(std::get<kind::operation>(parsed.statements[1].what).request,
              (nlohmann::json{{"op", "start"}, {"process", "worker"}}));
    const auto& join = std::get<kind::join_releasing>(parsed.statements[2].what);
    EXPECT_EQ(join.gate, "work");
    EXPECT_EQ(std::get<kind::operation>(parsed.statements[3].what).request["text"],
              "Parent process completed");
    const auto& output = std::get<kind::output_check>(parsed.statements[5].what);
    EXPECT_TRUE(output.exact);
    EXPECT_EQ(output.lines, (std::vector<std::string>{"Starting worker", "Worker completed",
                                                      "Parent process completed"}));
    EXPECT_EQ(parsed.statements[5].line, 15);
    EXPECT_FALSE(parsed.needs.process_profile);
}

TEST(ScenarioParser, ArgumentsExpectationsAndRequirements) {
    const scenario parsed = parse({
        "daemon process child(\"a;b\", 42, \"\"): report args; report pid; signal SIGTERM",
        "join child timeout 0.5 => false",
        "exitcode child => none",
        "start child => error invalid_state",
        "event child:args => {\"args\": [\"a;b\", 42, \"\"]}",
        "order child:pid < join(child)",
    });
    const auto& define = std::get<kind::define_process>(parsed.statements[0].what);
    EXPECT_TRUE(define.daemon);
    EXPECT_EQ(define.args, (nlohmann::json{"a;b", 42, ""}));
    EXPECT_EQ(std::get<protocol::step::signal>(define.steps[2]).number, 15);
    const auto& timed = std::get<kind::operation>(parsed.statements[1].what);
    EXPECT_EQ(timed.request["timeout"], 0.5);
    EXPECT_EQ(timed.expected->value, false);
    EXPECT_TRUE(std::get<kind::operation>(parsed.statements[2].what).expected->value.is_null());
    EXPECT_EQ(std::get<kind::operation>(parsed.statements[3].what).expected->error_kind,
              "invalid_state");
    const auto& order = std::get<kind::order_check>(parsed.statements[5].what);
    ASSERT_EQ(order.items.size(), 2u);
    EXPECT_TRUE(order.items[1].is_return);
    EXPECT_EQ(order.items[1].subject, "join(child)");
    EXPECT_TRUE(parsed.needs.process_profile);
    EXPECT_EQ(parsed.needs.features, (std::set<std::string>{"daemon", "join_timeout"}));
}

TEST(ScenarioParser, NestedScriptsAndGlobals) {
    const scenario parsed = parse({
        "process child: set counter 1; nest grandchild [print \"x; y\"; exit 3]; report global "
        "counter",
        "set counter 0",
        "global counter => 0",
    });
    const auto& define = std::get<kind::define_process>(parsed.statements[0].what);
    const auto& nest = std::get<protocol::step::nest>(define.steps[1]);
    EXPECT_EQ(nest.process, "grandchild");
    ASSERT_EQ(nest.steps.size(), 2u);
    EXPECT_EQ(std::get<protocol::step::print>(nest.steps[0]).text, "x; y");
    EXPECT_EQ(std::get<kind::operation>(parsed.statements[1].what).request,
              (nlohmann::json{{"op", "set_global"}, {"name", "counter"}, {"value", 0}}));
    EXPECT_EQ(parsed.needs.features, (std::set<std::string>{"globals", "nest"}));
}

TEST(ScenarioParser, EndReleasingAGateAndNoSurvivors) {
    const scenario parsed = parse({
        "process worker: wait go; print \"done\"",
        "start worker",
        "end releasing go",
        "no survivors",
    });
    EXPECT_EQ(std::get<kind::end_program>(parsed.statements[2].what).held_gate, "go");
    EXPECT_TRUE(std::holds_alternative<kind::survivors_check>(parsed.statements[3].what));
}

struct malformed {
    std::string name;  // the test's name: what is wrong
    std::vector<std::string> lines;
    std::string message;  // the whole expected "file:line: reason" or a part of it
};

// gtest prints the parameter after each test's name in --gtest_list_tests, and ctest's discovery
// keeps it: by name, not as bytes of the object (heap addresses that changed with every build).
void PrintTo(const malformed& value, std::ostream* out) { *out << value.name; }

class MalformedScenario : public ::testing::TestWithParam<malformed> {};

TEST_P(MalformedScenario, IsRejectedWithFileLineAndReason) {
    const std::string message = failure_of(GetParam().lines);
    EXPECT_NE(message.find(GetParam().message), std::string::npos) << "got: " << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedScenario,
    ::testing::Values(
        malformed{"ExitCodeOutOfRange",
                  {"process child: exit 300"},
                  "spec/test.md:10: an exit code must be an integer in 0..255, got '300'"},
        malformed{"UnknownStatement",
                  {"process child: exit 1", "stat child"},
                  "spec/test.md:11: unknown statement 'stat'"},
        malformed{"UnknownProcess", {"start child"}, "spec/test.md:10: unknown process 'child'"},
        malformed{"UnknownStep", {"process child: fly"}, "unknown step 'fly'"},
        malformed{
            "UnquotedText", {"process child: print unquoted"}, "the text is not a JSON value"},
        malformed{"EmptyStep", {"process child: exit 0;"}, "empty step"},
        malformed{"StdoutBeforeEnd",
                  {"process child: exit 0", "stdout =>"},
                  "spec/test.md:11: `stdout` checks the whole output, so it must follow `end`"},
        malformed{"StatementAfterEnd",
                  {"process child: exit 0", "end", "start child"},
                  "spec/test.md:12: only checks may follow `end`"},
        malformed{"ReleasedGateNobodyWaitsOn",
                  {"process child: exit 0", "release gate1"},
                  "gate 'gate1' is released but no target waits on it"},
        malformed{"UnknownSignal",
                  {"process child: signal SIGNOPE"},
                  "signal 'SIGNOPE' must be a number in 1..64 or a name"},
        malformed{"NoResultAfterArrow",
                  {"process child: exit 0", "exitcode child =>"},
                  "expected a result after `=>`"},
        malformed{"ProcessDefinedTwice",
                  {"process child: exit 0", "process child: exit 1"},
                  "spec/test.md:11: process 'child' is defined twice"},
        malformed{"OrderOfOneItem",
                  {"process child: exit 0", "order child:x"},
                  "`order` needs at least two items"},
        malformed{"OnlyAComment", {"   # only a comment"}, "spec/test.md:10: empty scenario block"},
        malformed{"NoSurvivorsBeforeEnd",
                  {"process child: exit 0", "no survivors"},
                  "spec/test.md:11: `no survivors` checks what the ended program left, so it must "
                  "follow `end`"},
        malformed{"EndHoldingAGate",
                  {"process child: wait go", "end holding go"},
                  "expected `end` or `end releasing GATE`"}),
    [](const ::testing::TestParamInfo<malformed>& info) { return info.param.name; });

TEST(SpecDocument, ClausesScenariosAndProblemsAreFound) {
    spec_document document;
    read_markdown(
        "# Title\n"
        "### [join.after-exit] join() returns after exit\n"
        "Text.\n"
        "```scenario\n"
        "process child: exit 0\n"
        "```\n"
        "```json\n"
        "### [not.a-clause] inside another fence\n"
        "```\n"
        "## Section\n"
        "```scenario\n"
        "process orphaned: exit 0\n"
        "```\n"
        "### [join.after-exit] again\n"
        "```scenario\n"
        "process never: exit 0\n",
        "spec/test.md", document);
    ASSERT_EQ(document.clauses.size(), 1u);
    EXPECT_EQ(document.clauses[0].id, "join.after-exit");
    EXPECT_EQ(document.clauses[0].line, 2);
    ASSERT_EQ(document.scenarios.size(), 2u);
    EXPECT_EQ(document.scenarios[0].clause, "join.after-exit");
    EXPECT_EQ(document.scenarios[0].first_line, 5);
    ASSERT_EQ(document.problems.size(), 3u);
    EXPECT_STREQ(document.problems[0].what(), "spec/test.md:11: scenario block outside any clause");
    EXPECT_STREQ(
        document.problems[1].what(),
        "spec/test.md:14: clause [join.after-exit] is defined twice (first at spec/test.md:2)");
    EXPECT_STREQ(document.problems[2].what(),
                 "spec/test.md:15: scenario block is never closed with ```");
}

}  // namespace
}  // namespace startjoin::conformance
