// Tests of -j and --repeat: the runner's workers must give the verdicts one process gives, a
// worker that dies or hangs must be reported, never waited on forever.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

const std::string reference = STARTJOIN_REFERENCE_DRIVER;

// More example tests than one batch holds, and two properties: three batches at least.
const std::string several_batches =
    "--gtest_filter=Seed.*:Join.*:Start.*:Scenario.Join*:Property.ExitCodesArriveExactly:"
    "Property.ArgumentsArriveExactly";

std::map<std::string, std::string> statuses(const runner_result& run) {
    std::map<std::string, std::string> by_test;
    if (!run.report.is_object()) return by_test;
    for (const auto& test : run.report["tests"]) by_test[test["name"]] = test["status"];
    return by_test;
}

// A directory for the marks of a fake driver, removed after the test.
class temporary_directory {
  public:
    temporary_directory()
        : path_(std::filesystem::temp_directory_path() /
                ("startjoin-parallel-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter_++))) {
        std::filesystem::create_directories(path_);
    }
    ~temporary_directory() { std::filesystem::remove_all(path_); }
    std::string path() const { return path_.string(); }

  private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

// A driver command that runs `first` for the first driver start (the coordinator's protocol
// check) and `later` for every other; mkdir makes the choice atomic across workers.
std::string first_then(const temporary_directory& marks, const std::string& first,
                       const std::string& later) {
    return "if mkdir " + marks.path() + "/first 2>/dev/null; then exec " + first + "; fi; " + later;
}

TEST(Parallel, TwoJobsGiveTheStatusesAndTotalsOfOne) {
    for (const std::string& driver :
         {reference, std::string(STARTJOIN_MUTANT_DRIVER) + " join-before-start-ok"}) {
        // A mutant whose failures do not depend on timing; its example tests are enough.
        const std::string filter = driver == reference
                                       ? several_batches
                                       : "--gtest_filter=Seed.*:Join.*:Start.*:Scenario.Join*";
        const runner_result one =
            run_runner({"--driver", driver, "-j1", filter}, {"RC_PARAMS=seed=1"});
        const runner_result two =
            run_runner({"--driver", driver, "-j2", filter}, {"RC_PARAMS=seed=1"});
        ASSERT_FALSE(one.hung || two.hung) << one.output << two.output;
        EXPECT_EQ(one.exit_code, two.exit_code) << one.output << two.output;
        EXPECT_EQ(one.output.find(" batches, "), std::string::npos) << one.output;
        EXPECT_NE(two.output.find(" batches, 2 at once."), std::string::npos) << two.output;
        ASSERT_TRUE(one.report.is_object() && two.report.is_object()) << two.output;
        EXPECT_GT(one.report["tests"].size(), 10u) << one.output;
        EXPECT_EQ(statuses(one), statuses(two)) << two.output;
        EXPECT_EQ(one.report["totals"], two.report["totals"]) << two.output;
        EXPECT_EQ(one.report["clauses"], two.report["clauses"]) << two.output;
        EXPECT_EQ(one.report["driver"], two.report["driver"]) << two.output;
    }
}

TEST(Parallel, TheSummaryIsPrintedOnceWithEveryWorkersOutputWhole) {
    const runner_result run =
        run_runner({"--driver", std::string(STARTJOIN_MUTANT_DRIVER) + " join-before-start-ok",
                    "-j2", "--gtest_filter=Seed.*:Join.*:Start.*:Scenario.Join*"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    std::size_t summaries = 0;
    for (auto at = run.output.find("startjoin conformance of driver"); at != std::string::npos;
         at = run.output.find("startjoin conformance of driver", at + 1)) {
        ++summaries;
    }
    EXPECT_EQ(summaries, 1u) << run.output;
    // The failure's message comes with its test, between its RUN and FAILED lines.
    const auto started = run.output.find("[ RUN      ] Join.BeforeStartIsInvalidState");
    const auto failed = run.output.find("[  FAILED  ] Join.BeforeStartIsInvalidState");
    ASSERT_NE(started, std::string::npos) << run.output;
    ASSERT_NE(failed, std::string::npos) << run.output;
    const std::string between = run.output.substr(started, failed - started);
    EXPECT_NE(between.find("join() before start() succeeded"), std::string::npos) << between;
    EXPECT_EQ(between.find("[ RUN      ]", 1), std::string::npos) << between;
}

TEST(Parallel, RepeatPrintsNoStatusChangesWhenNoneChanged) {
    const runner_result run =
        run_runner({"--driver", reference, "-j2", "--repeat", "3", "--gtest_filter=Join.*"});
    ASSERT_FALSE(run.hung) << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("0 status changes in 3 runs"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("run 3 of 3"), std::string::npos) << run.output;
    ASSERT_TRUE(run.report.is_object()) << run.output;
    EXPECT_EQ(run.report["repeat"]["runs"], 3) << run.output;
    EXPECT_EQ(run.report["repeat"]["failed_runs"], 0) << run.output;
}

TEST(Parallel, RepeatListsATestWhoseStatusChanged) {
    const temporary_directory marks;
    // The protocol check and the first run meet the reference, the second run a mutant.
    const std::string driver = "if mkdir " + marks.path() + "/1 2>/dev/null || mkdir " +
                               marks.path() + "/2 2>/dev/null; then exec " + reference +
                               "; fi; exec " + STARTJOIN_MUTANT_DRIVER + " join-before-start-ok";
    const runner_result run = run_runner(
        {"--driver", driver, "--repeat", "2", "--gtest_filter=Join.BeforeStartIsInvalidState"});
    ASSERT_FALSE(run.hung) << run.output;
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("  Join.BeforeStartIsInvalidState: FAIL x1, PASS x1\n"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("1 status change in 2 runs"), std::string::npos) << run.output;
}

TEST(Parallel, AKilledWorkerIsReportedNotWaitedOn) {
    const temporary_directory marks;
    const runner_result run =
        run_runner({"--driver", first_then(marks, reference, "kill -KILL $PPID"), "-j2",
                    "--gtest_filter=Property.ExitCodesArriveExactly:Join.*"});
    ASSERT_FALSE(run.hung) << run.output;
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("was killed by signal 9"), std::string::npos) << run.output;
    ASSERT_TRUE(run.report.is_object()) << run.output;
    for (const auto& test : run.report["tests"]) {
        EXPECT_EQ(test["status"], "CRASH") << test.dump();
        EXPECT_NE(test["message"].get<std::string>().find("the worker process"), std::string::npos)
            << test.dump();
    }
}

// A worker stopped dead (here by its driver) is killed at its deadline; the multiplier makes
// that deadline a few seconds.
TEST(Parallel, AHungWorkerIsKilledAtItsDeadline) {
    const temporary_directory marks;
    const runner_result run = run_runner(
        {"--driver", first_then(marks, reference, "kill -STOP $PPID; exec " + reference), "-j2",
         "--gtest_filter=Property.ExitCodesArriveExactly:Join.BeforeStartIsInvalidState"},
        {"STARTJOIN_TIMEOUT_MULTIPLIER=0.05"});
    ASSERT_FALSE(run.hung) << run.output;
    EXPECT_EQ(run.exit_code, 1) << run.output;
    ASSERT_TRUE(run.report.is_object()) << run.output;
    ASSERT_EQ(run.report["tests"].size(), 2u) << run.output;
    for (const auto& test : run.report["tests"]) {
        EXPECT_EQ(test["status"], "TIMEOUT") << test.dump();
        EXPECT_NE(test["message"].get<std::string>().find("passed its deadline"), std::string::npos)
            << test.dump();
    }
}

TEST(Parallel, WithoutASeedOneIsPickedAndPrintedWhenTheRunFails) {
    const runner_result run =
        run_runner({"--driver", std::string(STARTJOIN_MUTANT_DRIVER) + " join-before-start-ok",
                    "-j2", "--gtest_filter=Seed.*:Join.*:Start.*:Scenario.Join*"},
                   {"RC_PARAMS=max_success=5"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("RapidCheck seed of this run: "), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("(RC_PARAMS='max_success=5 seed="), std::string::npos) << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
