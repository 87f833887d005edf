// startjoin-conformance --driver 'COMMAND' [--report-json FILE] [gtest flags]
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <optional>
#include <string>
#include <string_view>

#include "certification.hpp"
#include "clauses.hpp"
#include "driver_launcher.hpp"
#include "expectations.hpp"
#include "fixture.hpp"
#include "profile_listener.hpp"
#include "reaper.hpp"
#include "registration.hpp"
#include "reporting.hpp"
#include "spec_document.hpp"
#include "timeouts.hpp"
#include "traceability.hpp"

namespace {

constexpr const char* usage =
    "usage: startjoin-conformance --driver 'COMMAND' [--report-json FILE] [--spec DIR] [gtest "
    "flags]\n"
    "       startjoin-conformance --check-traceability [--spec DIR]\n"
    "  --driver COMMAND      the driver to test, run as /bin/sh -c COMMAND (spec/protocol.md)\n"
    "  --report-json FILE    also write every test's and clause's verdict to FILE as JSON\n"
    "  --expectations FILE   the driver's known failures (JSON): a matching failure is XFAIL,\n"
    "                        a pass XPASS (which fails the run)\n"
    "  --spec DIR            the spec whose scenarios run and whose clauses are reported\n"
    "                        (default: the source tree's spec/)\n"
    "  --regressions DIR     scenarios that once failed, run on every driver (default: the\n"
    "                        source tree's tests/regressions/)\n"
    "  --list-clauses        print each test with the clauses it checks, and exit\n"
    "  --profile             print where each test's time went (driver start, handshake,\n"
    "                        commands, events, observation windows, teardown)\n"
    "  --check-traceability  check that every clause is tested and every test cites defined\n"
    "                        clauses; needs no driver\n"
    "environment: STARTJOIN_TIMEOUT_MULTIPLIER scales every deadline (default 1)\n";

struct options {
    std::optional<std::string> driver;
    std::optional<std::string> report_json;
    std::optional<std::string> expectations;
    std::string spec = STARTJOIN_SPEC_DIR;
    std::string regressions = STARTJOIN_REGRESSIONS_DIR;
    bool check_traceability = false;
    bool list_clauses = false;
    bool profile = false;
};

// Reads our own flags; gtest has already taken its own out of argv.
options parse(int argc, char** argv) {
    options parsed;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value_of = [&](std::string_view flag) -> std::optional<std::string> {
            if (arg == flag) {
                if (i + 1 >= argc) {
                    fmt::print(stderr, "startjoin-conformance: {} needs a value\n{}", flag, usage);
                    std::exit(2);
                }
                return std::string(argv[++i]);
            }
            if (arg.starts_with(std::string(flag) + "="))
                return std::string(arg.substr(flag.size() + 1));
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            fmt::print("{}", usage);
            std::exit(0);
        } else if (auto driver = value_of("--driver")) {
            parsed.driver = std::move(driver);
        } else if (auto report = value_of("--report-json")) {
            parsed.report_json = std::move(report);
        } else if (auto file = value_of("--expectations")) {
            parsed.expectations = std::move(file);
        } else if (auto spec = value_of("--spec")) {
            parsed.spec = std::move(*spec);
        } else if (auto regressions = value_of("--regressions")) {
            parsed.regressions = std::move(*regressions);
        } else if (arg == "--profile") {
            parsed.profile = true;
        } else if (arg == "--list-clauses") {
            parsed.list_clauses = true;
        } else if (arg == "--check-traceability") {
            parsed.check_traceability = true;
        } else {
            fmt::print(stderr, "startjoin-conformance: unknown argument '{}'\n{}", arg, usage);
            std::exit(2);
        }
    }
    return parsed;
}

// Expectations naming a test that does not exist, or a clause no test cites.
std::vector<std::string> stale_expectations(const startjoin::conformance::expectations& expected) {
    std::vector<std::string> tests, clauses;
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
        const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
        for (int t = 0; t < suite.total_test_count(); ++t) {
            tests.push_back(std::string(suite.name()) + "." + suite.GetTestInfo(t)->name());
        }
    }
    for (const auto& [test, cited] : startjoin::conformance::clauses_by_test()) {
        clauses.insert(clauses.end(), cited.begin(), cited.end());
    }
    return expected.unmatched(tests, clauses);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace startjoin::conformance;
    ::testing::InitGoogleTest(&argc, argv);
    const options parsed = parse(argc, argv);
    timeout_multiplier();  // a malformed multiplier stops us here

    report_listener* listener = nullptr;
    spec_document spec, regressions;
    try {
        spec = read_spec(parsed.spec);
        regressions = read_regressions(parsed.regressions, spec);
    } catch (const std::exception& error) {
        fmt::print(stderr, "startjoin-conformance: {}\n", error.what());
        return 2;
    }
    register_scenarios(spec);
    register_regressions(regressions);
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
    if (!::testing::GTEST_FLAG(list_tests)) {
        if (!parsed.driver || parsed.driver->empty()) {
            fmt::print(stderr, "startjoin-conformance: --driver is required\n{}", usage);
            return 2;
        }
        set_driver_command(*parsed.driver);
        expectations expected;
        if (parsed.expectations) {
            try {
                expected = expectations::read(*parsed.expectations);
            } catch (const std::exception& error) {
                fmt::print(stderr, "startjoin-conformance: {}\n", error.what());
                return 2;
            }
            if (const auto stale = stale_expectations(expected); !stale.empty()) {
                for (const std::string& problem : stale) {
                    fmt::print(stderr, "startjoin-conformance: stale expectation: {}\n", problem);
                }
                return 2;
            }
        }
        // A driver that dies must show up as an error on write, not kill the runner.
        ::signal(SIGPIPE, SIG_IGN);
        become_subreaper();
        std::vector<std::string> problems = certify_driver(*parsed.driver);
        if (!::testing::GTEST_FLAG(brief) || !problems.empty()) {
            fmt::print("protocol check of driver `{}`: {}\n", *parsed.driver,
                       problems.empty() ? "certified" : "BROKEN");
        }
        for (const std::string& problem : problems) fmt::print("  - {}\n", problem);
        set_certification_problems(std::move(problems));
        use_expectations(expected);
        ::testing::UnitTest::GetInstance()->listeners().Append(
            new profile_listener(parsed.profile));
        listener = new report_listener(parsed.report_json, std::move(expected));
        ::testing::UnitTest::GetInstance()->listeners().Append(listener);  // gtest owns it
    }
    const int gtest_status = RUN_ALL_TESTS();
    stop_case_servers();
    // gtest counts an expected failure as a failure; the report knows better.
    return listener != nullptr ? listener->exit_status() : gtest_status;
}
