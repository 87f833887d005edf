// The script model of spec/protocol.md ("Target scripts"): each step's exact wire form, round
// trips in both directions, and a precise error for each malformed step.
#include "startjoin/protocol/script.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "startjoin/protocol/error.hpp"

namespace startjoin::protocol {
namespace {

using nlohmann::json;

// ---- Round trips --------------------------------------------------------------------------

struct wire_case {
    const char* name;  // the test's name
    any_step step;
    const char* wire;  // the step's wire form as spec/protocol.md documents it
};

void PrintTo(const wire_case& c, std::ostream* out) { *out << c.wire; }

script nested_script() {
    return {step::trace{"inner"}, step::wait{"inner-gate"},
            step::nest{"grandchild", {step::exit{3}}, json::array({1})}};
}

const wire_case wire_cases[] = {
    {"Print", step::print{"hello"}, R"({"step":"print","text":"hello"})"},
    {"Eprint", step::eprint{"oops"}, R"({"step":"eprint","text":"oops"})"},
    {"Trace", step::trace{"began"}, R"({"step":"trace","event":"began"})"},
    {"Wait", step::wait{"hold"}, R"({"step":"wait","gate":"hold"})"},
    {"Sleep", step::sleep{0.25}, R"({"step":"sleep","seconds":0.25})"},
    {"Exit", step::exit{255}, R"({"step":"exit","code":255})"},
    {"Raise", step::raise{"boom"}, R"({"step":"raise","message":"boom"})"},
    {"Signal", step::signal{15}, R"({"step":"signal","signal":15})"},
    {"ReportArgs", step::report_args{}, R"({"step":"report_args"})"},
    {"ReportPid", step::report_pid{}, R"({"step":"report_pid"})"},
    {"Hang", step::hang{}, R"({"step":"hang"})"},
    {"Busy", step::busy{}, R"({"step":"busy"})"},
    {"SetGlobalNumber", step::set_global{"counter", 42},
     R"({"step":"set_global","name":"counter","value":42})"},
    {"SetGlobalNull", step::set_global{"counter", nullptr},
     R"({"step":"set_global","name":"counter","value":null})"},
    {"SetGlobalObject", step::set_global{"config", json{{"a", json::array({1, "two"})}}},
     R"({"step":"set_global","name":"config","value":{"a":[1,"two"]}})"},
    {"ReportGlobal", step::report_global{"counter"},
     R"({"step":"report_global","name":"counter"})"},
    {"NestEmpty", step::nest{"inner", {}, json::array()},
     R"({"step":"nest","process":"inner","script":[],"args":[]})"},
    {"NestNested", step::nest{"p1.child", nested_script(), json::array({"x", 2})},
     R"({"step":"nest","process":"p1.child","args":["x",2],"script":[
          {"step":"trace","event":"inner"},{"step":"wait","gate":"inner-gate"},
          {"step":"nest","process":"grandchild","script":[{"step":"exit","code":3}],"args":[1]}]})"},
    {"Orphan", step::orphan{"release-orphan"}, R"({"step":"orphan","gate":"release-orphan"})"},
    {"Exec", step::exec{"echo hi; exit 3"}, R"({"step":"exec","command":"echo hi; exit 3"})"},
};

class RoundTrip : public testing::TestWithParam<wire_case> {};

TEST_P(RoundTrip, ToJsonWritesTheDocumentedWireForm) {
    EXPECT_EQ(to_json({GetParam().step}), json::array({json::parse(GetParam().wire)}));
}

TEST_P(RoundTrip, ParseScriptReadsTheWireForm) {
    const script parsed = parse_script(json::array({json::parse(GetParam().wire)}));
    ASSERT_EQ(parsed.size(), 1u);
    EXPECT_TRUE(parsed[0] == GetParam().step) << to_json(parsed).dump();
}

TEST_P(RoundTrip, ParseOfToJsonGivesTheSameStep) {
    const script steps = {step::trace{"before"}, GetParam().step, step::trace{"after"}};
    EXPECT_TRUE(parse_script(to_json(steps)) == steps);
    EXPECT_EQ(to_json(parse_script(to_json(steps))), to_json(steps));
}

INSTANTIATE_TEST_SUITE_P(EveryStep, RoundTrip, testing::ValuesIn(wire_cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Script, EveryStepIsCovered) {
    // A new alternative of any_step needs a wire case above.
    bool seen[std::variant_size_v<any_step>] = {};
    for (const wire_case& c : wire_cases) seen[c.step.index()] = true;
    for (std::size_t index = 0; index < std::size(seen); ++index) {
        EXPECT_TRUE(seen[index]) << "no round-trip case for alternative " << index;
    }
}

TEST(Script, NestWithoutArgsGetsAnEmptyArray) {
    const script parsed =
        parse_script(json::parse(R"([{"step":"nest","process":"n","script":[]}])"));
    EXPECT_TRUE(parsed.at(0) == any_step(step::nest{"n", {}, json::array()}));
}

TEST(Script, NamesOfSteps) {
    EXPECT_STREQ(name_of(step::report_global{"x"}), "report_global");
    EXPECT_STREQ(name_of(step::nest{}), "nest");
    EXPECT_STREQ(name_of(step::busy{}), "busy");
}

// ---- Malformed steps ----------------------------------------------------------------------

struct error_case {
    const char* name;
    const char* wire;     // a whole script
    const char* kind;     // the protocol error kind
    const char* message;  // the whole message: the step's path, the field, the problem
};

void PrintTo(const error_case& c, std::ostream* out) { *out << c.wire; }

const error_case error_cases[] = {
    {"NotAnArray", R"({"step":"print"})", "bad_request",
     R"(script must be a JSON array of steps, got {"step":"print"})"},
    {"StepNotAnObject", R"([{"step":"print","text":"a"},3])", "bad_request",
     "step 1: must be an object with a string 'step', got 3"},
    {"StepWithoutName", R"([{"text":"a"}])", "bad_request",
     R"(step 0: must be an object with a string 'step', got {"text":"a"})"},
    {"UnknownStep", R"([{"step":"teleport"}])", "unsupported", "step 0: unknown step 'teleport'"},
    {"PrintWithoutText", R"([{"step":"print"}])", "bad_request",
     "step 0 (print): 'text' is missing"},
    {"EprintTextNotString", R"([{"step":"eprint","text":5}])", "bad_request",
     "step 0 (eprint): 'text' must be a string"},
    {"TraceWithoutEvent", R"([{"step":"trace"}])", "bad_request",
     "step 0 (trace): 'event' is missing"},
    {"WaitBadGate", R"([{"step":"wait","gate":"a/b"}])", "bad_request",
     "step 0 (wait): 'gate' must match [A-Za-z0-9_.-]{1,64}"},
    {"SleepNegative", R"([{"step":"sleep","seconds":-1}])", "bad_request",
     "step 0 (sleep): 'seconds' must be a number >= 0"},
    {"ExitOutOfRange", R"([{"step":"print","text":""},{"step":"exit","code":256}])", "bad_request",
     "step 1 (exit): 'code' must be an integer in 0..255"},
    {"RaiseWithoutMessage", R"([{"step":"raise"}])", "bad_request",
     "step 0 (raise): 'message' is missing"},
    {"SignalZero", R"([{"step":"signal","signal":0}])", "bad_request",
     "step 0 (signal): 'signal' must be an integer in 1..64"},
    {"SetGlobalWithoutName", R"([{"step":"set_global","value":1}])", "bad_request",
     "step 0 (set_global): 'name' is missing"},
    {"SetGlobalNameNotString", R"([{"step":"set_global","name":1,"value":1}])", "bad_request",
     "step 0 (set_global): 'name' must be a string"},
    {"SetGlobalWithoutValue", R"([{"step":"trace","event":"e"},{"step":"set_global","name":"x"}])",
     "bad_request", "step 1 (set_global): 'value' is missing"},
    {"ReportGlobalWithoutName", R"([{"step":"report_global"}])", "bad_request",
     "step 0 (report_global): 'name' is missing"},
    {"ReportGlobalNameNotString", R"([{"step":"report_global","name":null}])", "bad_request",
     "step 0 (report_global): 'name' must be a string"},
    {"NestWithoutProcess", R"([{"step":"nest","script":[]}])", "bad_request",
     "step 0 (nest): 'process' is missing"},
    {"NestBadProcess", R"([{"step":"nest","process":"two words","script":[]}])", "bad_request",
     "step 0 (nest): 'process' must match [A-Za-z0-9_.-]{1,64}"},
    {"NestWithoutScript", R"([{"step":"nest","process":"n"}])", "bad_request",
     "step 0 (nest): 'script' is missing"},
    {"NestScriptNotArray", R"([{"step":"nest","process":"n","script":{}}])", "bad_request",
     "step 0 (nest): 'script' must be a JSON array of steps"},
    {"NestArgsNotArray", R"([{"step":"nest","process":"n","script":[],"args":7}])", "bad_request",
     "step 0 (nest): 'args' must be a JSON array"},
    {"NestBadInnerStep",
     R"([{"step":"print","text":""},{"step":"print","text":""},
         {"step":"nest","process":"n","script":[{"step":"exit","code":-1}]}])",
     "bad_request", "step 2 (nest) > step 0 (exit): 'code' must be an integer in 0..255"},
    {"NestBadDeepStep",
     R"([{"step":"nest","process":"n","script":[{"step":"trace","event":"e"},
         {"step":"nest","process":"m","script":[{"step":"orphan"}]}]}])",
     "bad_request", "step 0 (nest) > step 1 (nest) > step 0 (orphan): 'gate' is missing"},
    {"NestUnknownInnerStep", R"([{"step":"nest","process":"n","script":[{"step":"fly"}]}])",
     "unsupported", "step 0 (nest) > step 0: unknown step 'fly'"},
    {"NestInnerNotObject", R"([{"step":"nest","process":"n","script":["exit"]}])", "bad_request",
     R"(step 0 (nest) > step 0: must be an object with a string 'step', got "exit")"},
    {"OrphanWithoutGate", R"([{"step":"orphan"}])", "bad_request",
     "step 0 (orphan): 'gate' is missing"},
    {"OrphanBadGate", R"([{"step":"orphan","gate":""}])", "bad_request",
     "step 0 (orphan): 'gate' must match [A-Za-z0-9_.-]{1,64}"},
    {"ExecWithoutCommand", R"([{"step":"exec"}])", "bad_request",
     "step 0 (exec): 'command' is missing"},
    {"ExecCommandNotString", R"([{"step":"exec","command":["sh"]}])", "bad_request",
     "step 0 (exec): 'command' must be a string"},
};

class MalformedStep : public testing::TestWithParam<error_case> {};

TEST_P(MalformedStep, IsRejectedWithAnErrorNamingTheStepAndField) {
    const error_case& c = GetParam();
    try {
        parse_script(json::parse(c.wire));
        FAIL() << "parse_script accepted " << c.wire;
    } catch (const protocol_error& error) {
        EXPECT_EQ(error.kind(), c.kind);
        EXPECT_EQ(std::string(error.what()), c.message);
    }
}

INSTANTIATE_TEST_SUITE_P(EveryStep, MalformedStep, testing::ValuesIn(error_cases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- What a script needs ------------------------------------------------------------------

TEST(Script, GatesOfIncludesNestedScriptsAndOrphansInOrderOfFirstMention) {
    const script steps = {
        step::wait{"a"},
        step::nest{"n", {step::wait{"b"}, step::orphan{"c"}, step::wait{"a"}}, json::array()},
        step::orphan{"d"},
        step::nest{"m",
                   {step::nest{"o", {step::wait{"e"}, step::orphan{"b"}}, json::array()}},
                   json::array()},
    };
    EXPECT_EQ(gates_of(steps), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(Script, FeaturesOfNamesTheOptionalFeaturesOnly) {
    EXPECT_TRUE(features_of({step::print{"x"}, step::hang{}, step::busy{}}).empty());
    const script steps = {
        step::exec{"true"},
        step::nest{"n", {step::set_global{"x", 1}, step::orphan{"g"}}, json::array()},
        step::report_global{"x"},
    };
    EXPECT_EQ(features_of(steps), (std::vector<std::string>{"exec", "nest", "globals", "orphan"}));
}

TEST(Script, ValidNames) {
    EXPECT_TRUE(is_valid_name("p1.child_2-x"));
    EXPECT_TRUE(is_valid_name(std::string(64, 'a')));
    EXPECT_FALSE(is_valid_name(std::string(65, 'a')));
    EXPECT_FALSE(is_valid_name(""));
    EXPECT_FALSE(is_valid_name("a b"));
    EXPECT_FALSE(is_valid_name("../x"));
}

}  // namespace
}  // namespace startjoin::protocol
