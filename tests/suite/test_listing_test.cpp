// --list-tests-json, what the ctest discovery (cmake/StartjoinDiscoverTests.cmake) labels each
// test with: the tests the filter selects, in gtest's order, each with its clauses and sections.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

nlohmann::json listing(const runner_result& run) {
    return nlohmann::json::parse(run.output, nullptr, /*allow_exceptions=*/false);
}

TEST(TestListing, ListsTheSelectedTestsInOrderWithTheirClausesAndSections) {
    // No --driver: listing runs nothing.
    const runner_result run =
        run_runner({"--list-tests-json",
                    "--gtest_filter=Scenario.OutputNoDuplicate:Hygiene.StartJoinLeaksNoDescriptor:"
                    "Scenario.JoinAfterExit"});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const nlohmann::json listed = listing(run);
    ASSERT_TRUE(listed.contains("tests")) << run.output;
    std::vector<std::string> names;
    for (const auto& test : listed["tests"]) names.push_back(test.at("name"));
    // gtest's order (the static tests, then the spec's scenarios in the spec's order), not the
    // filter's.
    EXPECT_EQ(names,
              (std::vector<std::string>{"Hygiene.StartJoinLeaksNoDescriptor",
                                        "Scenario.JoinAfterExit", "Scenario.OutputNoDuplicate"}));
    ASSERT_EQ(listed["tests"].size(), 3u) << run.output;
    // A test of two sections lists both, in the order of its clauses.
    EXPECT_EQ(listed["tests"][0]["clauses"],
              nlohmann::json({"hygiene.no-fd-leak", "close.releases"}));
    EXPECT_EQ(listed["tests"][0]["sections"], nlohmann::json({"hygiene", "close"}));
    EXPECT_EQ(listed["tests"][1]["clauses"], nlohmann::json({"join.after-exit"}));
    EXPECT_EQ(listed["tests"][1]["sections"], nlohmann::json({"join"}));
    EXPECT_EQ(listed["tests"][2]["sections"], nlohmann::json({"output"}));
}

TEST(TestListing, EachSectionIsListedOnceThoughSeveralClausesShareIt) {
    const runner_result run =
        run_runner({"--list-tests-json", "--gtest_filter=Property.OutputFollowsHappensBefore"});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const nlohmann::json listed = listing(run);
    ASSERT_EQ(listed.value("tests", nlohmann::json::array()).size(), 1u) << run.output;
    EXPECT_EQ(
        listed["tests"][0]["clauses"],
        nlohmann::json({"join.orders-effects", "output.reaches-parent", "output.no-duplicate"}));
    EXPECT_EQ(listed["tests"][0]["sections"], nlohmann::json({"join", "output"}));
}

TEST(TestListing, AFilterThatSelectsNoTestIsAUsageError) {
    const runner_result run = run_runner({"--list-tests-json", "--gtest_filter=Jion.*"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("--gtest_filter=Jion.* selects no test"), std::string::npos)
        << run.output;
}

// PROFILE in startjoin_add_conformance: a thread implementation's ctest lists only the tests that
// say something about it.
TEST(TestListing, AThreadProfileLeavesOutTheTestsOfProcessOnlyClauses) {
    const std::string filter =
        "--gtest_filter=Pid.*:Scenario.JoinAfterExit:Scenario.TerminateSigterm";
    const runner_result all = run_runner({"--list-tests-json", filter});
    const runner_result thread =
        run_runner({"--list-tests-json", "--driver-profile", "thread", filter});
    const runner_result process =
        run_runner({"--list-tests-json", "--driver-profile", "process", filter});
    ASSERT_EQ(thread.exit_code, 0) << thread.output;
    const nlohmann::json listed = listing(thread);
    std::vector<std::string> names;
    for (const auto& test : listed.value("tests", nlohmann::json::array()))
        names.push_back(test.at("name"));
    EXPECT_EQ(names, std::vector<std::string>{"Scenario.JoinAfterExit"}) << thread.output;
    // The process profile is the whole contract: nothing is left out.
    EXPECT_EQ(listing(process), listing(all));
    EXPECT_GT(listing(all)["tests"].size(), 2u) << all.output;
}

TEST(TestListing, AProfileWithNoTestThatAppliesIsAUsageError) {
    const runner_result run =
        run_runner({"--list-tests-json", "--driver-profile", "thread", "--gtest_filter=Pid.*"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("selects no test that applies to profile thread"), std::string::npos)
        << run.output;
}

TEST(TestListing, AnUnknownProfileIsAUsageError) {
    const runner_result run = run_runner({"--list-tests-json", "--driver-profile", "threads"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("--driver-profile must be process or thread, not 'threads'"),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
