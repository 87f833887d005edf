// The property tests, the model-based test and the ordering checker against deliberately broken
// drivers: each must catch its mutant, and print the shrunk case as a scenario that can be pasted
// into tests/regressions/ and that a conforming driver passes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

std::string mutant(const std::string& name) {
    return std::string(STARTJOIN_MUTANT_DRIVER) + " " + name;
}

// The regression block a failure message carries: from its heading to its closing fence.
std::string regression_block(const std::string& message) {
    const auto heading = message.find("### [");
    const auto fence = message.find("```scenario", heading);
    const auto end = message.find("\n```\n", fence == std::string::npos ? heading : fence + 1);
    if (heading == std::string::npos || fence == std::string::npos || end == std::string::npos)
        return {};
    return message.substr(heading, end + 5 - heading);
}

// Runs one property against `driver` and returns its report entry.
nlohmann::json run_property(const std::string& driver, const std::string& test, std::string& output,
                            const std::vector<std::string>& environment = {}) {
    const runner_result run =
        run_runner({"--driver", driver, "--gtest_filter=" + test}, environment);
    output = run.output;
    return run.test(test);
}

// Runs `block` as the only regression, against the reference.
runner_result run_as_regression(const std::string& block,
                                const std::string& filter = "Regression.*") {
    const auto directory = std::filesystem::temp_directory_path() /
                           ("startjoin-regressions-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "shrunk.md") << block;
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--regressions",
                                          directory.string(), "--gtest_filter=" + filter});
    std::filesystem::remove_all(directory);
    return run;
}

void expect_contains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos)
        << "the failure message lacks \"" << part << "\":\n"
        << text;
}

// alive-until-joined: is_alive() stays true after the child has ended, until join() is called.
// The example tests all call join() first; the model test finds a sequence without it, mostly
// within its 100 cases; given up to 500 (it stops at the first failure), always.
TEST(PropertiesCatch, ModelTestCatchesAliveUntilJoinedWithAShrunkScenario) {
    std::string output;
    const auto test = run_property(mutant("alive-until-joined"), "Property.ModelOfProcessObjects",
                                   output, {"RC_PARAMS=max_success=500"});
    ASSERT_TRUE(test.is_object()) << output;
    EXPECT_EQ(test["status"], "FAIL") << output;
    const std::string message = test.value("message", std::string());
    for (const char* part :
         {"does not hold: RapidCheck found a failing case",
          "seed: ", "replay exactly this case: RC_PARAMS='", "reproduce=", "[alive.after-exit]",
          "is_alive(p", "```scenario\nprocess p", ": wait g"}) {
        expect_contains(message, part);
    }
    // The shrunk case is small: a handful of statements. (Where the failure depends on timing,
    // a statement that only gives the child time to end may stay.)
    const std::string block = regression_block(message);
    ASSERT_FALSE(block.empty()) << message;
    EXPECT_LE(std::count(block.begin(), block.end(), '\n'), 16) << block;

    // Pasted into tests/regressions/, it parses and a conforming driver passes it.
    const runner_result regression = run_as_regression(block);
    EXPECT_EQ(regression.exit_code, 0) << block << "\n" << regression.output;
    EXPECT_EQ(regression.test("Regression.AliveAfterExit")["status"], "PASS") << regression.output;
}

// join-returns-at-once: the trace property has no check of its own; the ordering checker finds
// the child's events after join() returned, and the shrunk scenario carries the broken order.
TEST(PropertiesCatch, OrderingCheckerCatchesJoinThatReturnsAtOnceWithAShrunkScenario) {
    std::string output;
    const auto test = run_property(mutant("join-returns-at-once"),
                                   "Property.TraceEventsFollowHappensBefore", output);
    ASSERT_TRUE(test.is_object()) << output;
    EXPECT_EQ(test["status"], "FAIL") << output;
    const std::string message = test.value("message", std::string());
    for (const char* part : {"[join.after-exit] the history breaks", "came after entry",
                             "`parent: join(p1) returned`, which had shown p1 terminated",
                             "Rule: join() returns only after the child has terminated",
                             "```scenario\nprocess p1: ", "\norder p1:"}) {
        expect_contains(message, part);
    }
    const std::string block = regression_block(message);
    ASSERT_FALSE(block.empty()) << message;
    const runner_result regression = run_as_regression(block);
    EXPECT_EQ(regression.exit_code, 0) << block << "\n" << regression.output;
    EXPECT_EQ(regression.test("Regression.JoinAfterExit")["status"], "PASS") << regression.output;
}

TEST(PropertiesCatch, TheSamePropertiesPassTheReference) {
    const runner_result run = run_runner(
        {"--driver", STARTJOIN_REFERENCE_DRIVER,
         "--gtest_filter=Property.ModelOfProcessObjects:Property.TraceEventsFollowHappensBefore"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.test("Property.ModelOfProcessObjects")["status"], "PASS") << run.output;
    EXPECT_EQ(run.test("Property.TraceEventsFollowHappensBefore")["status"], "PASS") << run.output;
}

TEST(PropertiesCatch, ARegressionCitingAnUndefinedClauseIsAProblem) {
    const runner_result run = run_as_regression(
        "### [no.such-clause] a heading that cites nothing\n\n```scenario\nprocess p: exit 0\n"
        "start p\njoin p\n```\n",
        "Regression.*:SpecProblem.Regression*");
    EXPECT_NE(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("cites [no.such-clause], which the spec does not define"),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
