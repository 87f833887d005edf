// Tests of the suite itself: the runner must reject broken implementations and broken drivers
// for the right reason, with a message a user can act on, and never hang or leak a process.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

const std::string seed_test = "Seed.ParentOutputAppearsOnlyAfterChildCompletes";

std::string mutant(const std::string& name) {
    return std::string(STARTJOIN_MUTANT_DRIVER) + " " + name;
}

TEST(BrokenImplementation, JoinThatReturnsAtOnceFailsTheSeedExampleShowingBothOutputs) {
    const runner_result run = run_runner({"--driver", mutant("join-returns-at-once"),
                                          "--gtest_filter=Seed.*:Join.BlocksUntilChildHasEnded"});
    EXPECT_NE(run.exit_code, 0) << run.output;
    const auto seed = run.test(seed_test);
    ASSERT_TRUE(seed.is_object()) << "no report entry for the seed test\n" << run.output;
    EXPECT_EQ(seed["status"], "FAIL") << run.output;
    const std::string message = seed["message"];
    for (const char* expected :
         {"join() returned while the worker was still held on its gate", "expected stdout:",
          "| Starting worker\n    | Worker completed\n    | Parent process completed",
          "captured stdout:"}) {
        EXPECT_NE(message.find(expected), std::string::npos)
            << "the failure message lacks \"" << expected << "\":\n"
            << message;
    }
    EXPECT_EQ(run.clause("join.after-exit")["status"], "FAIL") << run.output;
    EXPECT_EQ(run.test("Join.BlocksUntilChildHasEnded")["status"], "FAIL") << run.output;
}

TEST(FailureMessages, ReadWithoutGoogleTestsWrapping) {
    // An example test fails by an exception, a property by ADD_FAILURE in the harness: both
    // read as what went wrong, not as gtest's "unknown file: Failure / C++ exception with
    // description ... thrown in the test body" or "harness.cpp:NNN: Failure / Failed".
    const std::string failing = "Join.BlocksUntilChildHasEnded:Property.ExitCodesArriveExactly";
    const runner_result run =
        run_runner({"--driver", mutant("join-returns-at-once"), "--gtest_filter=" + failing},
                   {"RC_PARAMS=seed=1"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    for (const char* wrapping : {"C++ exception with description", "thrown in the test body",
                                 "unknown file", "harness.cpp", ": Failure\n"}) {
        EXPECT_EQ(run.output.find(wrapping), std::string::npos)
            << "the output still says \"" << wrapping << "\":\n"
            << run.output;
    }
    for (const char* name : {"Join.BlocksUntilChildHasEnded", "Property.ExitCodesArriveExactly"}) {
        const auto entry = run.test(name);
        ASSERT_TRUE(entry.is_object()) << name << "\n" << run.output;
        EXPECT_EQ(entry["status"], "FAIL") << name << "\n" << run.output;
        const std::string message = entry["message"];
        EXPECT_EQ(message.find("C++ exception"), std::string::npos) << message;
        EXPECT_FALSE(message.starts_with("Failed\n")) << message;
    }
}

TEST(BrokenImplementation, TheSameChecksPassTheReference) {
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER,
                                          "--gtest_filter=Seed.*:Join.BlocksUntilChildHasEnded"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.test(seed_test)["status"], "PASS") << run.output;
    EXPECT_EQ(run.clause("join.after-exit")["status"], "PASS") << run.output;
}

// A fake driver's problem shows up in the protocol check, before any test.
const std::string any_test = "--gtest_filter=Join.BeforeStartIsInvalidState";

// What the protocol check found: printed once, and in the report's "certification".
std::string broken_reasons(const runner_result& run) {
    std::string reasons;
    if (!run.report.is_object()) return reasons;
    for (const auto& problem : run.report["certification"]["problems"]) {
        reasons += problem.get<std::string>() + "\n";
    }
    return reasons;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
    return count;
}

TEST(BrokenDriver, MalformedHandshakeIsBrokenAndQuoted) {
    const std::string command = "printf 'hello-garbage\\n' >&4; cat <&3 >/dev/null";
    const runner_result run = run_runner({"--driver", command, any_test});
    EXPECT_NE(run.exit_code, 0);
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    const std::string message = test.value("message", std::string());
    EXPECT_NE(broken_reasons(run).find("'hello-garbage'"), std::string::npos) << run.output;
    EXPECT_NE(message.find(command), std::string::npos)
        << "the message must name the driver: " << message;
    EXPECT_EQ(run.report["certification"]["status"], "BROKEN") << run.output;
}

TEST(BrokenDriver, MalformedReplyIsBrokenAndQuoted) {
    const runner_result run = run_runner(
        {"--driver",
         fake_driver("read -r request <&3; printf 'not-json{\\n' >&4; cat <&3 >/dev/null"),
         any_test});
    EXPECT_NE(run.exit_code, 0);
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    EXPECT_NE(broken_reasons(run).find("'not-json{'"), std::string::npos) << run.output;
}

TEST(BrokenDriver, ReplyWithTheWrongIdIsBroken) {
    const runner_result run = run_runner(
        {"--driver",
         fake_driver(
             "read -r request <&3; printf '{\"id\":99,\"ok\":true}\\n' >&4; cat <&3 >/dev/null"),
         any_test});
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    EXPECT_NE(broken_reasons(run).find("no request #99"), std::string::npos) << run.output;
}

TEST(BrokenImplementation, ACrashMidTestIsCrashWithTheSignal) {
    const runner_result run =
        run_runner({"--driver", mutant("abort-on-signal-death"),
                    "--gtest_filter=ExitCode.DeathBySignalGivesMinusTheSignal"});
    EXPECT_NE(run.exit_code, 0);
    const auto test = run.test("ExitCode.DeathBySignalGivesMinusTheSignal");
    EXPECT_EQ(test["status"], "CRASH") << run.output;
    // A case parent is the runner's own child ("was killed by signal 6 (Aborted)"); a driver
    // run by /bin/sh is reported through the shell ("... death by signal 6 (Aborted)").
    EXPECT_NE(test.value("message", std::string()).find("signal 6 (Aborted)"), std::string::npos)
        << run.output;
}

TEST(BrokenDriver, DeathDuringTheProtocolCheckIsBrokenWithTheSignal) {
    const runner_result run =
        run_runner({"--driver", fake_driver("read -r request <&3; kill -SEGV $$"), any_test});
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    EXPECT_NE(test.value("message", std::string()).find("failed the protocol check"),
              std::string::npos)
        << run.output;
    EXPECT_NE(broken_reasons(run).find("killed by signal 11"), std::string::npos) << run.output;
}

// A driver program that closes its reply channel but keeps running broke the protocol; with the
// shell in between holding fd 4 open, this was a TIMEOUT blamed on the implementation after the
// whole reply deadline. The command is one simple command, so it replaces the shell. The runner
// still waits for a driver that closed fd 4 to exit (a dying one does at once); this one never
// does, so the deadline is scaled down: the verdict does not depend on its length.
TEST(BrokenDriver, ClosingTheReplyChannelIsBrokenAtOnce) {
    const std::string hello =
        "{\"hello\":\"startjoin\",\"protocol\":1,\"implementation\":\"fake\","
        "\"version\":\"0\",\"profile\":\"process\",\"features\":[]}";
    const std::string driver =
        "bash -c 'printf \"%s\\n\" \"$0\" >&4; read -r request <&3; "
        "exec 4>&-; exec sleep infinity' '" +
        hello + "'";
    const runner_result run =
        run_runner({"--driver", driver, any_test}, {"STARTJOIN_TIMEOUT_MULTIPLIER=0.05"});
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    EXPECT_NE(broken_reasons(run).find("closed fd 4 but kept running"), std::string::npos)
        << run.output;
}

// Without a shell in between, a driver's death by a signal is reported as that signal.
TEST(BrokenDriver, ADriverKilledByASignalIsReportedWithTheSignal) {
    const runner_result run = run_runner({"--driver", "bash -c 'kill -TERM $$'", any_test});
    EXPECT_NE(broken_reasons(run).find("was killed by signal 15"), std::string::npos) << run.output;
}

// The deadline is scaled down so the test is quick; the verdict does not depend on its length.
TEST(BrokenImplementation, AHangingOperationTimesOutInsteadOfHangingTheRun) {
    const runner_result run = run_runner({"--driver", mutant("start-waits-for-child"),
                                          "--gtest_filter=Start.ReturnsWhileChildIsStillRunning"},
                                         {"STARTJOIN_TIMEOUT_MULTIPLIER=0.05"});
    EXPECT_NE(run.exit_code, 0);
    const auto test = run.test("Start.ReturnsWhileChildIsStillRunning");
    EXPECT_EQ(test["status"], "TIMEOUT") << run.output;
    EXPECT_NE(test.value("message", std::string()).find("did not answer request #"),
              std::string::npos)
        << run.output;
    EXPECT_NE(test.value("message", std::string()).find("\"op\":\"start\""), std::string::npos)
        << run.output;
}

TEST(BrokenDriver, ADriverThatNeverAnswersIsBrokenNotHung) {
    const runner_result run = run_runner({"--driver", fake_driver("cat <&3 >/dev/null"), any_test},
                                         {"STARTJOIN_TIMEOUT_MULTIPLIER=0.05"});
    EXPECT_NE(run.exit_code, 0);
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output;
    EXPECT_NE(broken_reasons(run).find("[TIMEOUT]"), std::string::npos) << run.output;
}

// The reasons are given once, not again in every test: each test's message is one line.
TEST(BrokenDriver, TheReasonsArePrintedOnceNotPerTest) {
    const runner_result run =
        run_runner({"--driver", "printf 'hello-garbage\\n' >&4; cat <&3 >/dev/null",
                    "--gtest_filter=Join.*:Start.*"});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_EQ(occurrences(run.output, "'hello-garbage'"), 1u) << run.output;
    EXPECT_EQ(occurrences(run.output, "protocol check of driver"), 1u) << run.output;
    ASSERT_TRUE(run.report.is_object()) << run.output;
    ASSERT_GT(run.report["tests"].size(), 2u) << run.output;
    for (const auto& test : run.report["tests"]) {
        EXPECT_EQ(test["status"], "BROKEN") << test.dump();
        const std::string message = test["message"];
        // gtest's "Failed" line, then the one line.
        EXPECT_LE(occurrences(message, "\n"), 1u) << message;
        EXPECT_EQ(message.find("  - "), std::string::npos) << message;
        EXPECT_NE(message.find("failed the protocol check (reasons above)"), std::string::npos)
            << message;
    }
}

// A descendant that left the driver's process group and session is still found (the runner is a
// subreaper) and killed before the runner exits.
TEST(BrokenDriver, NoDescendantOutlivesTheTest) {
    const auto pid_file = std::filesystem::temp_directory_path() /
                          ("startjoin-escapee-" + std::to_string(::getpid()));
    const runner_result run =
        run_runner({"--driver",
                    "setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > " +
                        pid_file.string() + "; " + fake_driver("cat <&3 >/dev/null"),
                    any_test},
                   {"STARTJOIN_TIMEOUT_MULTIPLIER=0.05"});
    std::ifstream file(pid_file);
    pid_t escapee = 0;
    ASSERT_TRUE(file >> escapee) << "the fake driver did not record its escapee\n" << run.output;
    std::filesystem::remove(pid_file);
    const bool alive = ::kill(escapee, 0) == 0;
    if (alive) ::kill(escapee, SIGKILL);
    EXPECT_FALSE(alive) << "pid " << escapee << " outlived the runner\n" << run.output;
}

TEST(SpecScenarios, AFalseExpectationFailsAtItsLineWithTheTranscript) {
    const temporary_spec spec(
        "### [join.after-exit] join() returns after exit\n"
        "```scenario\n"
        "process child: print \"hello\"; exit 0\n"
        "start child\n"
        "join child\n"
        "exitcode child => 3\n"
        "```\n");
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--spec",
                                          spec.path(), "--gtest_filter=Scenario.*"});
    EXPECT_NE(run.exit_code, 0) << run.output;
    const auto test = run.test("Scenario.JoinAfterExit");
    ASSERT_TRUE(test.is_object()) << run.output;
    EXPECT_EQ(test["status"], "FAIL") << run.output;
    const std::string message = test["message"];
    EXPECT_NE(message.find(
                  "spec/bad.md:6: `exitcode child => 3`: exitcode(child) returned 0, expected 3"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("parent: join(child) returned"), std::string::npos) << message;
}

TEST(SpecScenarios, AMalformedBlockFailsWithFileLineAndReason) {
    const temporary_spec spec(
        "### [join.after-exit] join() returns after exit\n"
        "```scenario\n"
        "process child: exit 0\n"
        "jump child\n"
        "```\n");
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--spec",
                                          spec.path(), "--gtest_filter=SpecProblem.*"});
    EXPECT_NE(run.exit_code, 0) << run.output;
    const auto test = run.test("SpecProblem.Problem1");
    ASSERT_TRUE(test.is_object()) << run.output;
    EXPECT_NE(test.value("message", std::string()).find("spec/bad.md:4: unknown statement 'jump'"),
              std::string::npos)
        << run.output;
}

TEST(SpecScenarios, TraceabilityReportsUntestedAndUndefinedClauses) {
    const temporary_spec spec(
        "### [join.after-exit] join() returns after exit\n"
        "### [made.up] a clause no test checks\n");
    const runner_result run = run_runner({"--check-traceability", "--spec", spec.path()});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(
        run.output.find("spec/bad.md:2: clause [made.up] is checked by no test and no scenario"),
        std::string::npos)
        << run.output;
    EXPECT_NE(
        run.output.find(
            "test Seed.ParentOutputAppearsOnlyAfterChildCompletes cites [join.orders-effects], "
            "which the spec does not define"),
        std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("[join.after-exit] is checked by no test"), std::string::npos)
        << run.output;
}

// An expectations file written for one test.
class temporary_file {
  public:
    explicit temporary_file(const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("startjoin-expect-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter_++) + ".json")) {
        std::ofstream(path_) << text;
    }
    ~temporary_file() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }

  private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

const std::string blocks_test = "Join.BlocksUntilChildHasEnded";

std::string expect_blocks_test(const std::string& mode) {
    return R"([{"test": "Join.BlocksUntilChildHasEnded", "mode": ")" + mode +
           R"(", "reason": "its join() does not wait", "link": "https://example.org/bug/1"}])";
}

TEST(Expectations, TheExpectedFailureIsXfailAndDoesNotFailTheRun) {
    const temporary_file expected(expect_blocks_test("fail"));
    const runner_result run =
        run_runner({"--driver", mutant("join-returns-at-once"), "--expectations", expected.path(),
                    "--gtest_filter=" + blocks_test});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.test(blocks_test)["status"], "XFAIL") << run.output;
    EXPECT_NE(run.test(blocks_test)["message"].get<std::string>().find("its join() does not wait"),
              std::string::npos);
    EXPECT_EQ(run.clause("join.after-exit")["status"], "XFAIL") << run.output;
}

TEST(Expectations, WithAnExpectationsFileTheSeedIsFixedUnlessAskedOtherwise) {
    // A run judged against known failures must be repeatable: the same cases every time.
    const temporary_file expected(expect_blocks_test("fail"));
    const std::vector<std::string> base = {
        "--driver", mutant("join-returns-at-once"), "--expectations", expected.path(),
        "--gtest_filter=" + blocks_test + ":Property.ArgumentsArriveExactly"};
    for (const std::string jobs : {"-j1", "-j2"}) {
        std::vector<std::string> arguments = base;
        arguments.push_back(jobs);
        const runner_result fixed = run_runner(arguments, {"RC_PARAMS=max_success=3"});
        ASSERT_TRUE(fixed.report.is_object()) << fixed.output;
        EXPECT_EQ(fixed.report["run"]["seed"], "1") << jobs << "\n" << fixed.output;
        arguments.push_back("--random-seed");
        const runner_result random = run_runner(arguments, {"RC_PARAMS=max_success=3"});
        ASSERT_TRUE(random.report.is_object()) << random.output;
        EXPECT_NE(random.report["run"]["seed"], "1") << jobs << "\n" << random.output;
    }
    // A seed the user names wins.
    const runner_result named = run_runner(base, {"RC_PARAMS=max_success=3 seed=77"});
    ASSERT_TRUE(named.report.is_object()) << named.output;
    EXPECT_EQ(named.report["run"]["seed"], "77") << named.output;
    EXPECT_NE(named.output.find("RapidCheck seed 77"), std::string::npos) << named.output;
}

// gtest counts an expected failure as failed; the runner does not. Only the runner's totals
// are printed, and they add up to the number of tests gtest ran.
TEST(Expectations, GtestAndTheRunnerAgreeOnTheCounts) {
    // A mutant whose one failure does not depend on timing, expected.
    const temporary_file expected(
        R"([{"test": "Join.BeforeStartIsInvalidState", "mode": "fail", "reason": "r"}])");
    for (const char* jobs : {"-j1", "-j2"}) {
        const runner_result run = run_runner(
            {"--driver", mutant("join-before-start-ok"), "--expectations", expected.path(), jobs,
             "--gtest_filter=Join.BeforeStartIsInvalidState:" + blocks_test});
        EXPECT_EQ(run.exit_code, 0) << run.output;
        EXPECT_NE(run.output.find("[  XFAIL   ] Join.BeforeStartIsInvalidState"), std::string::npos)
            << run.output;
        EXPECT_NE(run.output.find("[==========] 2 tests from 1 test suite ran."), std::string::npos)
            << run.output;
        EXPECT_NE(run.output.find("2 tests: 1 passed, 1 expected failures\n"), std::string::npos)
            << run.output;
        for (const char* gtest_total : {"[  PASSED  ]", "[  FAILED  ] 1 test", "[  SKIPPED ]"}) {
            EXPECT_EQ(run.output.find(gtest_total), std::string::npos)
                << "gtest's own total \"" << gtest_total << "\" is printed:\n"
                << run.output;
        }
    }
}

TEST(Expectations, AnExpectedFailureThatPassesIsXpassAndFailsTheRun) {
    const temporary_file expected(expect_blocks_test("fail"));
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations",
                                          expected.path(), "--gtest_filter=" + blocks_test});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.test(blocks_test)["status"], "XPASS") << run.output;
    EXPECT_NE(run.test(blocks_test)["message"].get<std::string>().find("remove the expectation"),
              std::string::npos);
}

TEST(Expectations, AnotherFailureModeStillFails) {
    const temporary_file expected(expect_blocks_test("timeout"));
    const runner_result run =
        run_runner({"--driver", mutant("join-returns-at-once"), "--expectations", expected.path(),
                    "--gtest_filter=" + blocks_test});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.test(blocks_test)["status"], "FAIL") << run.output;
    EXPECT_NE(
        run.test(blocks_test)["message"].get<std::string>().find("expected TIMEOUT but got FAIL"),
        std::string::npos);
}

TEST(Expectations, AStaleEntryIsAnError) {
    const temporary_file expected(
        R"([{"test": "Join.NoSuchTest", "mode": "fail", "reason": "gone"}])");
    const runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations", expected.path()});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("stale expectation: " + expected.path() +
                              ": test Join.NoSuchTest does not exist"),
              std::string::npos)
        << run.output;
}

TEST(Expectations, AMalformedEntryIsAnErrorNamingIt) {
    const temporary_file expected(R"([{"test": "Join.BlocksUntilChildHasEnded", "mode": "fail"}])");
    const runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations", expected.path()});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(expected.path() + ": entry 0: needs a 'reason'"), std::string::npos)
        << run.output;
}

// Known cases: a property's cases that show a known deviation are set aside, and it searches on.
const std::string exit_codes_test = "Property.ExitCodesArriveExactly";

std::string known_shell_status_case(const std::string& pattern) {
    return R"([{"test": "Property.ExitCodesArriveExactly", "clause": "exitcode.explicit", "case": ")" +
           pattern + R"(", "mode": "fail", "reason": "reads its status as a shell does"}])";
}

// Property.ExitCodesArriveExactly against the mutant whose exit codes read as a shell's.
runner_result run_shell_status_mutant(const temporary_file& expected,
                                      const std::string& rc_params = "RC_PARAMS=seed=1") {
    return run_runner({"--driver", mutant("exitcode-shell-convention"), "--expectations",
                       expected.path(), "--gtest_filter=" + exit_codes_test},
                      {rc_params});
}

TEST(KnownCases, CasesShowingTheKnownDeviationAreSetAsideAndTheTestIsXfail) {
    const temporary_file expected(known_shell_status_case("read as a shell reads its status"));
    const runner_result run = run_shell_status_mutant(expected);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.test(exit_codes_test)["status"], "XFAIL") << run.output;
    const std::string message = run.test(exit_codes_test)["message"];
    EXPECT_NE(message.find("cases set aside as known deviations"), std::string::npos) << message;
    EXPECT_NE(message.find("reads its status as a shell does"), std::string::npos) << message;
}

TEST(KnownCases, CasesShowingTheKnownDeviationCountAmongThePropertysCases) {
    // Nearly every case of the shell-status mutant shows its deviation. Each such case ran, so
    // it counts: the property runs its 30 cases, not 30 others besides the known ones (with
    // RapidCheck's discards it ran up to 10 times as many, as many as the deviation was common).
    const temporary_file expected(known_shell_status_case("read as a shell reads its status"));
    const runner_result run =
        run_shell_status_mutant(expected, "RC_PARAMS=seed=1 max_success=30 max_discard_ratio=0");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const auto test = run.test(exit_codes_test);
    EXPECT_EQ(test["status"], "XFAIL") << run.output;
    EXPECT_EQ(test["profile"]["cases"], 30) << run.output;
}

std::string known_shell_status_case_under(const std::string& clauses) {
    return R"([{"test": "Property.ExitCodesArriveExactly", "clause": )" + clauses +
           R"(, "case": "read as a shell reads its status", "mode": "fail", "reason": "reads its status as a shell does"}])";
}

TEST(KnownCases, AnEntryMayNameSeveralClauses) {
    // One root cause under several clause IDs is one entry; a case counts when the clause it
    // breaks is any of them, and only then.
    const temporary_file both(
        known_shell_status_case_under(R"(["join.state", "exitcode.explicit"])"));
    runner_result run = run_shell_status_mutant(both);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.test(exit_codes_test)["status"], "XFAIL") << run.output;
    const std::string message = run.test(exit_codes_test)["message"];
    EXPECT_NE(message.find("of [join.state], [exitcode.explicit] matched"), std::string::npos)
        << message;

    const temporary_file other(known_shell_status_case_under(R"(["join.state", "start.once"])"));
    run = run_shell_status_mutant(other);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.test(exit_codes_test)["status"], "FAIL") << run.output;
}

TEST(Blame, AFailingPropertyFailsOnlyTheClauseItsCheckNamed) {
    // The model cites seventeen clauses. Against a mutant whose exitcode() reads 0 while the
    // child runs it fails under the clause of the check that saw it; the others keep the verdict
    // of their own tests (here they pass), not the model's failure.
    const std::string model = "Property.ModelOfProcessObjects";
    const runner_result run =
        run_runner({"--driver", mutant("exitcode-zero-before-end"),
                    "--gtest_filter=" + model + ":Scenario.Close*:Scenario.JoinState"},
                   {"RC_PARAMS=seed=1"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    const auto test = run.test(model);
    ASSERT_EQ(test["status"], "FAIL") << run.output;
    ASSERT_FALSE(test["clause_statuses"].empty()) << test.dump(2);
    std::set<std::string> blamed;
    for (const auto& [clause, status] : test["clause_statuses"].items()) {
        EXPECT_EQ(status, "FAIL") << clause;
        EXPECT_EQ(run.clause(clause)["status"], "FAIL") << run.output;
        blamed.insert(clause);
    }
    EXPECT_LT(blamed.size(), test["clauses"].size()) << test.dump(2);
    for (const std::string clause : {"close.after", "close.idempotent", "join.state"}) {
        EXPECT_NE(std::find(test["clauses"].begin(), test["clauses"].end(), clause),
                  test["clauses"].end())
            << model << " no longer cites [" << clause << "]";
        if (!blamed.contains(clause)) {
            EXPECT_EQ(run.clause(clause)["status"], "PASS") << run.output;
        }
    }
}

// A deviation that stops a case (a wrong start() or join()) hides what the case would have
// done next, so the rarest of the six shows in a few cases of hundreds: 300 (3 s on this
// mutant) find all six.
const std::string six_deviations_cases = "RC_PARAMS=seed=1 max_success=300";

TEST(SearchOn, OneRunListsEveryDeviationUnderItsOwnClauseAndUndeclaredFeaturesSkip) {
    // The mutant has six deviations the model reaches, each under another clause, and does not
    // declare close(). One run of the model finds all six, lists each once, and blames each
    // clause alone; the [close.*] clauses the model cites read SKIP, as their own tests do.
    const std::string model = "Property.ModelOfProcessObjects";
    const runner_result run = run_runner(
        {"--driver", mutant("six-deviations"), "--gtest_filter=" + model + ":Scenario.Close*"},
        {six_deviations_cases});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    const auto test = run.test(model);
    ASSERT_EQ(test["status"], "FAIL") << run.output;
    std::set<std::string> blamed;
    for (const auto& [clause, status] : test["clause_statuses"].items()) {
        EXPECT_EQ(status, "FAIL") << clause;
        blamed.insert(clause);
    }
    const std::set<std::string> expected = {"start.once",          "join.before-start",
                                            "join.state",          "alive.before-start",
                                            "join-timeout.prompt", "exitcode.absent"};
    EXPECT_EQ(blamed, expected) << test["message"].get<std::string>();
    // Each deviation once: no two entries with the same clause and the same first line.
    std::set<std::pair<std::string, std::string>> listed;
    for (const auto& deviation : test["deviations"]) {
        const std::string what = deviation["what"];
        EXPECT_TRUE(listed.insert({deviation["clause"], what.substr(0, what.find('\n'))}).second)
            << "listed twice: " << what;
    }
    EXPECT_GE(listed.size(), expected.size()) << test["message"].get<std::string>();
    for (const std::string& clause : expected) EXPECT_EQ(run.clause(clause)["status"], "FAIL");
    for (const std::string clause : {"close.running", "close.after", "close.idempotent"}) {
        EXPECT_EQ(run.clause(clause)["status"], "SKIP") << run.clause(clause).dump();
    }
}

TEST(SuggestExpectations, CoverEveryDeviationAreRefusedUntilFilledInThenTurnTheRunGreen) {
    const std::vector<std::string> command = {
        "--driver", mutant("six-deviations"),
        "--gtest_filter=Property.ModelOfProcessObjects:Scenario.Close*"};
    const temporary_file suggested("");
    std::vector<std::string> arguments = command;
    arguments.insert(arguments.end(), {"--suggest-expectations", suggested.path()});
    const runner_result first = run_runner(arguments, {six_deviations_cases});
    EXPECT_EQ(first.exit_code, 1) << first.output;
    nlohmann::json entries = nlohmann::json::parse(std::ifstream(suggested.path()));
    ASSERT_EQ(entries.size(), 6u) << entries.dump(2);
    std::set<std::string> clauses;
    for (const nlohmann::json& entry : entries) {
        EXPECT_EQ(entry["test"], "Property.ModelOfProcessObjects");
        EXPECT_EQ(entry["mode"], "fail");
        EXPECT_TRUE(entry.contains("case")) << entry.dump();
        EXPECT_TRUE(entry["reason"].get<std::string>().starts_with("TODO: the cause"));
        clauses.insert(entry["clause"][0].get<std::string>());
    }
    EXPECT_EQ(clauses.size(), 6u) << entries.dump(2);

    // As written, the file is refused before any test runs, naming the entry.
    arguments = command;
    arguments.insert(arguments.end(), {"--expectations", suggested.path()});
    const runner_result refused = run_runner(arguments, {six_deviations_cases});
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find(suggested.path() + ": entry 0: (Property.ModelOfProcessObjects)"
                                                     " 'reason' is still the placeholder"),
              std::string::npos)
        << refused.output;

    // Causes written, the same command is green, and stays so run after run.
    for (nlohmann::json& entry : entries) {
        entry["reason"] = "the six-deviations mutant breaks [" +
                          entry["clause"][0].get<std::string>() + "] on purpose";
    }
    const temporary_file filled(entries.dump(2));
    arguments = command;
    arguments.insert(arguments.end(), {"--expectations", filled.path(), "--repeat", "10"});
    const runner_result green = run_runner(arguments, {six_deviations_cases});
    EXPECT_EQ(green.exit_code, 0) << green.output;
    EXPECT_EQ(green.test("Property.ModelOfProcessObjects")["status"], "XFAIL") << green.output;
    EXPECT_NE(green.output.find("0 status changes in 10 runs"), std::string::npos) << green.output;
}

TEST(KnownCases, AKnownCaseThatNeverHappensIsXpass) {
    const temporary_file expected(known_shell_status_case("read as a shell reads its status"));
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations",
                                          expected.path(), "--gtest_filter=" + exit_codes_test},
                                         {"RC_PARAMS=seed=1"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.test(exit_codes_test)["status"], "XPASS") << run.output;
    const std::string message = run.test(exit_codes_test)["message"];
    EXPECT_NE(message.find("no case of [exitcode.explicit] matched /read as a shell reads its "
                           "status/: remove the expectation"),
              std::string::npos)
        << message;
}

TEST(KnownCases, AFailureTheCaseDoesNotMatchStillFails) {
    // The pattern names another deviation (arguments), so the exit code failures are unknown.
    const temporary_file expected(known_shell_status_case("arrived as its JSON text"));
    const runner_result run = run_shell_status_mutant(expected);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.test(exit_codes_test)["status"], "FAIL") << run.output;
}

TEST(KnownCases, ABadPatternOrACaseWithoutATestIsAnErrorNamingIt) {
    const temporary_file bad_pattern(known_shell_status_case("unclosed (group"));
    runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations", bad_pattern.path()});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(bad_pattern.path() + ": entry 0: 'case' is not a regular expression"),
              std::string::npos)
        << run.output;

    const temporary_file without_test(
        R"([{"clause": "exitcode.explicit", "case": "x", "mode": "fail", "reason": "r"}])");
    run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations", without_test.path()});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(
        run.output.find(without_test.path() + ": entry 0: 'case' needs a 'test' (the property)"),
        std::string::npos)
        << run.output;
}

TEST(CommandLine, HelpShowsTheRunnersOwnOptionsBeforeGoogleTests) {
    for (const std::string flag : {"--help", "-h"}) {
        const runner_result run = run_runner({flag});
        EXPECT_EQ(run.exit_code, 0) << run.output;
        EXPECT_TRUE(run.output.starts_with("usage: startjoin-conformance --driver")) << run.output;
        const auto own = run.output.find("--expectations FILE");
        const auto gtest = run.output.find("--gtest_filter=");
        ASSERT_NE(own, std::string::npos) << run.output;
        ASSERT_NE(gtest, std::string::npos) << run.output;
        EXPECT_LT(own, gtest) << run.output;
        EXPECT_EQ(run.output.find("usage: startjoin-conformance", 1), std::string::npos)
            << "the usage is printed once\n"
            << run.output;
    }
}

TEST(CommandLine, UnknownArgumentIsRejectedByName) {
    const runner_result run = run_runner({"--driver", "true", "--bogus-flag"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.output.find("unknown argument '--bogus-flag'"), std::string::npos) << run.output;
}

TEST(CommandLine, BadJobCountsAndRepeatsAreRejectedBeforeAnyTest) {
    for (const std::vector<std::string>& flags :
         std::vector<std::vector<std::string>>{{"-j", "0"},
                                               {"-j", "x"},
                                               {"-jx"},
                                               {"--jobs=-3"},
                                               {"--jobs", "2x"},
                                               {"--repeat", "0"},
                                               {"--repeat=many"},
                                               {"-j"}}) {
        std::vector<std::string> arguments = {"--driver", STARTJOIN_REFERENCE_DRIVER};
        arguments.insert(arguments.end(), flags.begin(), flags.end());
        const runner_result run = run_runner(arguments);
        EXPECT_EQ(run.exit_code, 2) << flags[0] << "\n" << run.output;
        EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
        EXPECT_EQ(run.output.find("protocol check"), std::string::npos) << run.output;
        EXPECT_TRUE(run.output.find("needs a whole number") != std::string::npos ||
                    run.output.find("needs a value") != std::string::npos)
            << run.output;
    }
}

TEST(CommandLine, MissingDriverIsRejected) {
    const runner_result run = run_runner({});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.output.find("--driver is required"), std::string::npos) << run.output;
}

TEST(CommandLine, MalformedTimeoutMultiplierIsRejected) {
    const runner_result run =
        run_runner({"--driver", "true"}, {"STARTJOIN_TIMEOUT_MULTIPLIER=fast"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.output.find("STARTJOIN_TIMEOUT_MULTIPLIER='fast'"), std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
