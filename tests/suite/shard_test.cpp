// Tests of --shard K/N and GoogleTest's GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX: the shards of a
// selection together run each of its tests exactly once, with the statuses of one full run,
// whatever -j and whichever form names the shard; a bad shard is a usage error before any test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

const std::string reference = STARTJOIN_REFERENCE_DRIVER;

// Every example test and scenario, and one property: some 90 tests that run in seconds, enough
// that a test in the wrong shard, twice or in none would show.
const std::string selection = "--gtest_filter=-Property.*:Property.ExitCodesArriveExactly";

// The properties' cases are the same in every run.
const std::vector<std::string> fixed_seed = {"RC_PARAMS=seed=1"};

// The report's tests, in its order, with their statuses.
std::vector<std::pair<std::string, std::string>> tests_of(const runner_result& run) {
    std::vector<std::pair<std::string, std::string>> tests;
    if (!run.report.is_object()) return tests;
    for (const auto& test : run.report["tests"]) tests.emplace_back(test["name"], test["status"]);
    return tests;
}

std::vector<std::string> names_of(const runner_result& run) {
    std::vector<std::string> names;
    for (const auto& [name, status] : tests_of(run)) names.push_back(name);
    return names;
}

std::string shard_flag(int number, int total) {
    return "--shard=" + std::to_string(number) + "/" + std::to_string(total);
}

TEST(Shards, TogetherTheyAreTheFullRunEachTestOnce) {
    const runner_result full = run_runner({"--driver", reference, selection}, fixed_seed);
    ASSERT_FALSE(full.hung) << full.output;
    ASSERT_EQ(full.exit_code, 0) << full.output;
    const auto full_tests = tests_of(full);
    ASSERT_GT(full_tests.size(), 30u) << full.output;

    std::map<std::string, std::string> sharded;  // test -> status, over all shards
    std::map<std::string, int> totals;           // status -> tests, summed over the shards
    for (int number = 1; number <= 3; ++number) {
        // The middle shard in workers, the others in the runner itself.
        const runner_result shard = run_runner(
            {"--driver", reference, selection, shard_flag(number, 3), number == 2 ? "-j2" : "-j1"},
            fixed_seed);
        ASSERT_FALSE(shard.hung) << shard.output;
        EXPECT_EQ(shard.exit_code, 0) << shard.output;
        ASSERT_TRUE(shard.report.is_object()) << shard.output;
        // The I-th selected test is in shard I mod 3 + 1, in the full run's order.
        std::vector<std::string> expected;
        for (std::size_t i = number - 1; i < full_tests.size(); i += 3) {
            expected.push_back(full_tests[i].first);
        }
        EXPECT_EQ(names_of(shard), expected) << shard.output;
        for (const auto& [name, status] : tests_of(shard)) {
            EXPECT_TRUE(sharded.emplace(name, status).second) << name << " is in two shards";
        }
        for (const auto& [status, count] : shard.report["totals"]["tests"].items()) {
            totals[status] += count.get<int>();
        }
        EXPECT_EQ(shard.report["shard"]["number"], number) << shard.output;
        EXPECT_EQ(shard.report["shard"]["total"], 3) << shard.output;
        EXPECT_EQ(shard.report["shard"]["tests_in_all_shards"], full_tests.size());
        EXPECT_NE(shard.output.find("[  SHARD   ] shard " + std::to_string(number) +
                                    "/3: " + std::to_string(expected.size()) + " of the " +
                                    std::to_string(full_tests.size()) + " selected tests"),
                  std::string::npos)
            << shard.output;
    }
    const std::map<std::string, std::string> full_statuses(full_tests.begin(), full_tests.end());
    EXPECT_EQ(sharded, full_statuses);
    std::map<std::string, int> full_totals;
    for (const auto& [status, count] : full.report["totals"]["tests"].items()) {
        full_totals[status] = count.get<int>();
    }
    EXPECT_EQ(totals, full_totals);
}

// A clause whose tests all run in other shards is NOT RUN in this shard's report and summary;
// one with a test here has the verdict of its tests here.
TEST(Shards, AClauseTestedOnlyInOtherShardsIsNotRun) {
    // One test per shard: the second shard runs the second test alone.
    const std::string three = "--gtest_filter=Start.*";
    const runner_result full = run_runner({"--driver", reference, three}, fixed_seed);
    ASSERT_EQ(full.exit_code, 0) << full.output;
    const std::vector<std::string> names = names_of(full);
    ASSERT_GE(names.size(), 2u) << full.output;
    const runner_result second =
        run_runner({"--driver", reference, three, shard_flag(2, names.size())}, fixed_seed);
    ASSERT_EQ(second.exit_code, 0) << second.output;
    ASSERT_EQ(names_of(second), std::vector<std::string>{names[1]}) << second.output;
    const std::set<std::string> here = [&] {
        const auto clauses = second.test(names[1])["clauses"];
        return std::set<std::string>(clauses.begin(), clauses.end());
    }();
    for (const auto& clause : second.report["clauses"]) {
        const std::string id = clause["id"];
        EXPECT_EQ(clause["status"], here.contains(id) ? "PASS" : "NOT RUN") << clause.dump();
    }
}

TEST(Shards, TheGTestVariablesGiveTheSamePartitionAsShard) {
    for (int index = 0; index < 3; ++index) {
        const runner_result flag =
            run_runner({"--driver", reference, selection, shard_flag(index + 1, 3)}, fixed_seed);
        // Workers too: they must not shard their batches again.
        const runner_result variables = run_runner({"--driver", reference, selection, "-j2"},
                                                   {"RC_PARAMS=seed=1", "GTEST_TOTAL_SHARDS=3",
                                                    "GTEST_SHARD_INDEX=" + std::to_string(index)});
        ASSERT_FALSE(flag.hung || variables.hung) << flag.output << variables.output;
        EXPECT_EQ(flag.exit_code, 0) << flag.output;
        EXPECT_EQ(variables.exit_code, 0) << variables.output;
        EXPECT_GT(names_of(flag).size(), 10u) << flag.output;
        EXPECT_EQ(tests_of(flag), tests_of(variables)) << variables.output;
        EXPECT_EQ(flag.report["shard"], variables.report["shard"]) << variables.output;
        EXPECT_EQ(flag.report["clauses"], variables.report["clauses"]) << variables.output;
    }
}

TEST(Shards, AShardAndVariablesThatAgreeAreAccepted) {
    const runner_result run =
        run_runner({"--driver", reference, "--gtest_filter=Start.*", "--shard", "2/2"},
                   {"GTEST_TOTAL_SHARDS=2", "GTEST_SHARD_INDEX=1"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("[  SHARD   ] shard 2/2: "), std::string::npos) << run.output;
}

TEST(Shards, AShardWithNoTestPassesAndSaysSo) {
    const runner_result run = run_runner(
        {"--driver", reference, "--gtest_filter=Join.BeforeStartIsInvalidState", "--shard", "3/3"});
    ASSERT_FALSE(run.hung) << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("shard 3/3 has none of the 1 selected tests: nothing to run"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
    ASSERT_TRUE(run.report.is_object()) << run.output;
    EXPECT_TRUE(run.report["tests"].empty()) << run.output;
    ASSERT_FALSE(run.report["clauses"].empty()) << run.output;
    for (const auto& clause : run.report["clauses"]) {
        EXPECT_EQ(clause["status"], "NOT RUN") << clause.dump();
    }
    EXPECT_EQ(run.report["shard"]["tests_in_all_shards"], 1) << run.output;
    // Named like the driver of the other shards, for whoever merges their reports.
    EXPECT_EQ(run.report["driver"]["implementation"], "startjoin-reference") << run.output;
}

TEST(Shards, AFilterThatSelectsNoTestIsStillAUsageErrorInAShard) {
    const runner_result run =
        run_runner({"--driver", reference, "--gtest_filter=Jion.*", "--shard", "1/2"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("selects no test"), std::string::npos) << run.output;
}

TEST(Shards, ABadShardIsAUsageErrorBeforeAnyTest) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--shard", "0/0"}, "N, the number of shards, must be at least 1"},
        {{"--shard", "0/3"}, "GTEST_SHARD_INDEX=0 is --shard 1/N"},
        {{"--shard", "3/2"}, "K must be 1 to 2 (--shard 1/2 .. 2/2"},
        {{"--shard", "one/two"}, "--shard needs K/N"},
        {{"--shard", "1/3x"}, "--shard needs K/N"},
        {{"--shard", "2"}, "--shard needs K/N"},
        {{"--shard="}, "--shard needs K/N, the K-th of N shards (such as 1/3), not ''"},
    };
    for (const auto& [arguments, message] : cases) {
        std::vector<std::string> command = {"--driver", reference, "--gtest_filter=Start.*"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        const runner_result run = run_runner(command);
        EXPECT_EQ(run.exit_code, 2) << run.output;
        EXPECT_NE(run.output.find(message), std::string::npos) << message << "\n" << run.output;
        EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
    }
}

TEST(Shards, BadOrContradictoryVariablesAreAUsageErrorBeforeAnyTest) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"GTEST_TOTAL_SHARDS=3"}, "GTEST_TOTAL_SHARDS is set but GTEST_SHARD_INDEX is not"},
        {{"GTEST_SHARD_INDEX=0"}, "GTEST_SHARD_INDEX is set but GTEST_TOTAL_SHARDS is not"},
        {{"GTEST_TOTAL_SHARDS=3", "GTEST_SHARD_INDEX=3"}, "are not a shard"},
        {{"GTEST_TOTAL_SHARDS=0", "GTEST_SHARD_INDEX=0"}, "are not a shard"},
        {{"GTEST_TOTAL_SHARDS=three", "GTEST_SHARD_INDEX=0"}, "are not a shard"},
    };
    for (const auto& [environment, message] : cases) {
        const runner_result run =
            run_runner({"--driver", reference, "--gtest_filter=Start.*"}, environment);
        EXPECT_EQ(run.exit_code, 2) << run.output;
        EXPECT_NE(run.output.find(message), std::string::npos) << message << "\n" << run.output;
        EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
    }
    const runner_result contradiction =
        run_runner({"--driver", reference, "--gtest_filter=Start.*", "--shard", "1/3"},
                   {"GTEST_TOTAL_SHARDS=3", "GTEST_SHARD_INDEX=1"});
    EXPECT_EQ(contradiction.exit_code, 2) << contradiction.output;
    EXPECT_NE(contradiction.output.find("--shard 1/3 contradicts GTEST_TOTAL_SHARDS=3 "
                                        "GTEST_SHARD_INDEX=1 (that is --shard 2/3)"),
              std::string::npos)
        << contradiction.output;
}

TEST(Shards, TheShardStatusFileIsTouchedAndAnUnwritableOneIsAUsageError) {
    const auto status_file = std::filesystem::temp_directory_path() /
                             ("startjoin-shard-status-" + std::to_string(::getpid()));
    std::filesystem::remove(status_file);
    const runner_result run =
        run_runner({"--driver", reference, "--gtest_filter=Start.*", "-j2", "--shard", "1/2"},
                   {"GTEST_SHARD_STATUS_FILE=" + status_file.string()});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(std::filesystem::exists(status_file)) << run.output;
    std::filesystem::remove(status_file);

    const runner_result unwritable =
        run_runner({"--driver", reference, "--gtest_filter=Start.*"},
                   {"GTEST_SHARD_STATUS_FILE=/nonexistent-startjoin/status"});
    EXPECT_EQ(unwritable.exit_code, 2) << unwritable.output;
    EXPECT_NE(unwritable.output.find("cannot write GTEST_SHARD_STATUS_FILE="
                                     "/nonexistent-startjoin/status"),
              std::string::npos)
        << unwritable.output;
    EXPECT_EQ(unwritable.output.find("[ RUN"), std::string::npos) << unwritable.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
