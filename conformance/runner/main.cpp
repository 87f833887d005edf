// startjoin-conformance --driver 'COMMAND' [--report-json FILE] [--report-junit FILE]
//                       [--report-markdown FILE] [-j N] [--repeat N] [--shard K/N]
//                       [gtest flags]
// Wires the runner together: reads the spec and registers its scenarios, certifies the driver,
// then runs the tests in this process (-j 1, or a worker of a coordinator) or in workers
// (coordinator.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <rapidcheck/detail/Configuration.h>
#include <signal.h>
#include <sys/prctl.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cancellation.hpp"
#include "capture_limits.hpp"
#include "certification.hpp"
#include "clauses.hpp"
#include "coordinator.hpp"
#include "data_dirs.hpp"
#include "driver_launcher.hpp"
#include "errors.hpp"
#include "expectations.hpp"
#include "fixture.hpp"
#include "options.hpp"
#include "profile_report.hpp"
#include "reaper.hpp"
#include "registration.hpp"
#include "reporting.hpp"
#include "run_metadata.hpp"
#include "run_seed.hpp"
#include "scenario_test.hpp"
#include "shard.hpp"
#include "spec_document.hpp"
#include "test_listing.hpp"
#include "timeouts.hpp"
#include "traceability.hpp"

namespace {

using namespace startjoin::conformance;

// Expectations naming a test that does not exist, or a clause no test cites.
std::vector<std::string> stale_expectations(const expectations& expected) {
    std::vector<std::string> tests, clauses;
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
        const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
        for (int t = 0; t < suite.total_test_count(); ++t) {
            tests.push_back(std::string(suite.name()) + "." + suite.GetTestInfo(t)->name());
        }
    }
    for (const auto& [test, cited] : clauses_by_test()) {
        clauses.insert(clauses.end(), cited.begin(), cited.end());
    }
    return expected.unmatched(tests, clauses);
}

// The --expectations file, checked against the registered tests; exits 2 if it is unusable.
expectations read_expectations(const options& parsed) {
    if (!parsed.expectations) return {};
    expectations expected;
    try {
        expected = expectations::read(*parsed.expectations);
    } catch (const std::exception& error) {
        fmt::print(stderr, "startjoin-conformance: {}\n", error.what());
        std::exit(2);
    }
    if (const auto stale = stale_expectations(expected); !stale.empty()) {
        for (const std::string& problem : stale) {
            fmt::print(stderr, "startjoin-conformance: stale expectation: {}\n", problem);
        }
        std::exit(2);
    }
    return expected;
}

// Runs the selected tests in this process, reporting through the report listener.
int run_here(const options& parsed, expectations expected, const nlohmann::json& report_extra) {
    // Without a seed in RC_PARAMS, RapidCheck picked one when it read its configuration.
    note_run_seed(std::to_string(rc::detail::configuration().testParams.seed));
    use_expectations(expected);
    auto* listener =
        new report_listener(parsed.reports, std::move(expected), parsed.worker, report_extra);
    install_status_printer(listener, parsed.worker);
    ::testing::UnitTest::GetInstance()->listeners().Append(listener);  // gtest owns it
    // gtest counts an expected failure as a failure; the report knows better.
    [[maybe_unused]] const int gtest_status = RUN_ALL_TESTS();
    stop_case_servers();
    return cancelled() ? cancelled_exit_status() : listener->exit_status();
}

// The tests of the run's shard, announced; `tests` are all the selected tests. Adds the shard
// to the report, so that whoever merges the shards' reports can tell them apart.
std::vector<std::string> take_shard(const test_shard& which, const std::vector<std::string>& tests,
                                    nlohmann::json& report_extra) {
    std::vector<std::string> taken = tests_of_shard(tests, which);
    report_extra["shard"] = {
        {"number", which.number}, {"total", which.total}, {"tests_in_all_shards", tests.size()}};
    if (taken.empty()) {
        // More shards than tests: a CI matrix sized for a bigger selection, not a mistake.
        fmt::print("[  SHARD   ] shard {}/{} has none of the {} selected tests: nothing to run\n",
                   which.number, which.total, tests.size());
    } else {
        fmt::print("[  SHARD   ] shard {}/{}: {} of the {} selected tests\n", which.number,
                   which.total, taken.size(), tests.size());
    }
    std::fflush(stdout);
    return taken;
}

// A shard with no test: the summary and the reports of an empty run (every clause NOT RUN).
int run_nothing(const options& parsed, const nlohmann::json& report_extra) {
    fmt::print("[==========] 0 tests ran.\n");
    print_summary({}, noted_driver());
    write_reports(parsed.reports, {}, noted_driver(), report_extra);
    return 0;
}

// --driver-profile says which profile the user's implementation has; a driver that declares
// another was built or configured for something else, and every verdict would mislead.
std::optional<std::string> declared_profile_mismatch(const options& parsed) {
    const auto& hello = noted_driver();
    if (!parsed.driver_profile || !hello || hello->profile == *parsed.driver_profile) {
        return std::nullopt;
    }
    return fmt::format("driver `{}` declares profile {}, but --driver-profile says {}",
                       *parsed.driver, hello->profile, *parsed.driver_profile);
}

// Runs `tests` (none: an empty shard) here or in workers, as the options and the driver's
// certification say; the exit status.
int run_selected(const options& parsed, expectations expected,
                 const std::vector<std::string>& tests,
                 const std::vector<std::vector<std::string>>& batches,
                 const nlohmann::json& report_extra) {
    if (!parsed.worker && tests.empty()) return run_nothing(parsed, report_extra);
    // A BROKEN driver's tests end in their SetUp, each with one line: no need for workers.
    const bool in_workers = !parsed.worker && certification_problems().empty() &&
                            (parsed.repeat > 1 || (parsed.jobs > 1 && batches.size() > 1));
    if (!in_workers) return run_here(parsed, std::move(expected), report_extra);
    use_expectations(std::move(expected));
    try {
        return run_coordinated(parsed, tests, batches, report_extra);
    } catch (const std::exception& error) {
        // The workers could not be started or watched: no verdict at all, not a partial one.
        fmt::print(stderr, "startjoin-conformance: cannot run the workers: {}\n", error.what());
        return 2;
    }
}

}  // namespace

int main(int argc, char** argv) {
    start_run_clock();
    const std::vector<std::string> original(argv, argv + argc);
    if (asks_for_help(original)) {
        // The runner's options first: GoogleTest's own help is long, and a reader looking for
        // --driver should not have to scroll past it. GoogleTest prints its part while it
        // reads its flags, and only for --help (not -h).
        print_usage();
        fmt::print("\nGoogleTest's flags (the runner passes them on to its workers):\n\n");
        std::fflush(stdout);
        char help_flag[] = "--help";
        char* gtest_argv[] = {argv[0], help_flag, nullptr};
        int gtest_argc = 2;
        ::testing::InitGoogleTest(&gtest_argc, gtest_argv);
        return 0;
    }
    ::testing::InitGoogleTest(&argc, argv);
    const options parsed =
        parse_options(original, argc, argv,
                      {.spec = data_candidates(STARTJOIN_INSTALLED_SPEC_DIR, STARTJOIN_SPEC_DIR),
                       .regressions = data_candidates(STARTJOIN_INSTALLED_REGRESSIONS_DIR,
                                                      STARTJOIN_REGRESSIONS_DIR)});
    // Before anything reads RapidCheck's configuration (it reads RC_PARAMS once); workers
    // inherit the result.
    fix_seed_for_expectations(parsed.expectations.has_value(), parsed.random_seed);
    install_cancellation();  // from here on, SIGINT and SIGTERM end the run with its report
    timeout_multiplier();    // a malformed multiplier stops us here
    capture_limit();         // and a malformed capture limit
    if (const auto problem = take_sharding_environment()) {
        fmt::print(stderr, "startjoin-conformance: {}\n", *problem);
        return 2;
    }
    enable_profile_printing(parsed.profile);
    if (parsed.worker) {
        // A worker outlives no coordinator: its tests would run on with no one to report to.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    }

    spec_document spec, regressions;
    try {
        spec = read_spec(parsed.spec);
        regressions = read_regressions(parsed.regressions, spec);
    } catch (const std::exception& error) {
        fmt::print(stderr, "startjoin-conformance: {}\n", error.what());
        return 2;
    }
    register_scenarios(spec, make_scenario_test);
    register_regressions(regressions, make_scenario_test);
    use_spec(spec);

    if (parsed.list_clauses) {
        for (const auto& [test, clauses] : clauses_by_test()) {
            fmt::print("{} {}\n", test, fmt::join(clauses, " "));
        }
        return 0;
    }
    if (parsed.check_traceability) {
        const std::vector<std::string> problems = traceability_problems(spec);
        for (const std::string& problem : problems) fmt::print("{}\n", problem);
        fmt::print("traceability: {} clauses, {} tests and scenarios; {} problem{}\n",
                   spec.clauses.size(), clauses_by_test().size(), problems.size(),
                   problems.size() == 1 ? "" : "s");
        return problems.empty() ? 0 : 1;
    }
    if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
    if (parsed.list_tests_json) return print_test_listing(parsed);

    if (!parsed.driver || parsed.driver->empty()) {
        fmt::print(stderr, "startjoin-conformance: --driver is required\n");
        return 2;
    }
    set_driver_command(*parsed.driver);
    note_run_options({{"driver", *parsed.driver},
                      {"filter", ::testing::GTEST_FLAG(filter)},
                      {"expectations", parsed.expectations ? nlohmann::json(*parsed.expectations)
                                                           : nlohmann::json()},
                      {"jobs", parsed.jobs},
                      {"repeat", parsed.repeat}});
    expectations expected = read_expectations(parsed);
    // Which tests run, and in how many batches, before anything starts: a filter that selects
    // nothing is a mistyped command line, not a passing run (a shard left with none, when there
    // are more shards than selected tests, is no mistake: it passes); with one batch a worker
    // would only add a process.
    std::vector<std::string> tests;
    nlohmann::json report_extra = nlohmann::json::object();
    std::vector<std::vector<std::string>> batches;
    if (!parsed.worker) {
        auto selected = selected_tests_or_complain(parsed);
        if (!selected) return 2;
        tests = std::move(*selected);
        if (parsed.shard) {
            tests = take_shard(*parsed.shard, tests, report_extra);
            // The runner's list is the run's: gtest runs exactly these, not a sharding of its own.
            if (!tests.empty()) GTEST_FLAG_SET(filter, fmt::format("{}", fmt::join(tests, ":")));
        }
        if (parsed.jobs > 1 || parsed.repeat > 1) batches = batches_of(tests);
    }

    // A driver that dies must show up as an error on write, not kill the runner.
    ::signal(SIGPIPE, SIG_IGN);
    become_subreaper();
    if (!parsed.certified) {
        std::vector<std::string> problems;
        try {
            problems = certify_driver(*parsed.driver);
            // Interrupted during the check: no verdict on the driver; the tests are NOT RUN.
            if (cancelled()) problems.clear();
        } catch (const driver_not_runnable& error) {
            // Every test would be BROKEN for a reason that is the command line's, not the
            // driver's: a usage error, before any test.
            fmt::print(stderr, "startjoin-conformance: {}\n",
                       std::string_view(error.what()).substr(std::string_view("[BROKEN] ").size()));
            return 2;
        }
        if (!::testing::GTEST_FLAG(brief) || !problems.empty()) {
            fmt::print("protocol check of driver `{}`: {}\n", *parsed.driver,
                       problems.empty() ? "certified" : "BROKEN");
        }
        for (const std::string& problem : problems) fmt::print("  - {}\n", problem);
        std::fflush(stdout);
        set_certification_problems(std::move(problems));
        if (const auto mismatch = declared_profile_mismatch(parsed)) {
            fmt::print(stderr, "startjoin-conformance: {}\n", *mismatch);
            return 2;
        }
    }
    if (parsed.serves_cases) note_serves_cases(*parsed.driver, true);
    const int status = run_selected(parsed, std::move(expected), tests, batches, report_extra);
    if (parsed.shard) {
        // The summary's NOT RUN clauses are another shard's business, not a gap in this one.
        fmt::print(
            "shard {}/{}: clauses tested only in other shards are NOT RUN here; merge the "
            "shards' --report-json files for the whole verdict\n",
            parsed.shard->number, parsed.shard->total);
    }
    return status;
}
