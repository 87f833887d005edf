#include "options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "data_dirs.hpp"
#include "profile_applicability.hpp"

namespace startjoin::conformance {
namespace {

constexpr const char* usage =
    "usage: startjoin-conformance --driver 'COMMAND' [--report-json FILE] [--report-junit FILE]\n"
    "                             [--report-markdown FILE] [-j N] [--repeat N] [--shard K/N]\n"
    "                             [--spec DIR]\n"
    "                             [gtest flags]\n"
    "       startjoin-conformance --check-traceability [--spec DIR]\n"
    "  --driver COMMAND      the driver to test, run as /bin/sh -c COMMAND (spec/protocol.md)\n"
    "  --report-json FILE    also write every test's and clause's verdict to FILE as JSON\n"
    "  --report-junit FILE   also write every test's verdict to FILE as JUnit XML, one\n"
    "                        testsuite per spec section (for CI systems)\n"
    "  --report-markdown FILE  also write the per-clause summary to FILE as a Markdown table\n"
    "                        (for $GITHUB_STEP_SUMMARY)\n"
    "                        A report file that cannot be written stops the runner (status 2)\n"
    "                        before any test runs; a report is written even when tests fail\n"
    "  --expectations FILE   the driver's known failures (JSON): a matching failure is XFAIL,\n"
    "                        a pass XPASS (which fails the run). The run is repeatable: its\n"
    "                        RapidCheck seed is 1 unless RC_PARAMS names one\n"
    "  --suggest-expectations FILE  after the run, write to FILE an expectations file that\n"
    "                        covers every deviation found (with --expectations: that file's\n"
    "                        entries too, less those of tests that passed): one known case per\n"
    "                        deviation of a property, one entry per other failing test. Each\n"
    "                        new reason says TODO: the runner refuses the file until every\n"
    "                        cause is written\n"
    "  --random-seed         with --expectations, pick a new seed all the same (a deviation\n"
    "                        seen with some seeds only shows up this way)\n"
    "  --driver-profile P    the profile (process or thread) the driver must declare: a\n"
    "                        driver declaring another stops the runner (status 2) before any\n"
    "                        test; with --list-tests-json, only the tests that apply to P\n"
    "  -j N, --jobs N        run the tests in N worker processes at once (default: the number\n"
    "                        of cores); -j 1 runs every test in this process\n"
    "  --repeat N            run the selected tests N times and list every test whose status\n"
    "                        changed between runs; fails if any did or any run failed\n"
    "  --shard K/N           run only the K-th of N shards of the selected tests (K from 1 to\n"
    "                        N): the I-th test (from 0, in --gtest_list_tests order) is in\n"
    "                        shard I mod N + 1; the N shards together run each test once,\n"
    "                        whatever -j. Same as GTEST_TOTAL_SHARDS=N GTEST_SHARD_INDEX=K-1\n"
    "                        (0-based, as GoogleTest numbers them). A shard with no test\n"
    "                        passes; clauses tested only in other shards are NOT RUN\n"
    "  --spec DIR            the spec whose scenarios run and whose clauses are reported\n"
    "                        (default: ../share/startjoin/spec beside this program when\n"
    "                        installed, else the source tree's spec/)\n"
    "  --regressions DIR     scenarios that once failed, run on every driver (default:\n"
    "                        ../share/startjoin/regressions, else tests/regressions/)\n"
    "  --list-clauses        print each test with the clauses it checks, and exit\n"
    "  --list-tests-json     print the tests --gtest_filter selects, in order, each with the\n"
    "                        clauses and spec sections it checks, as JSON, and exit; needs no\n"
    "                        driver ({\"tests\": [{\"name\", \"clauses\", \"sections\"}]})\n"
    "  --profile             after the summary, print where the time went: driver start,\n"
    "                        handshake, commands, events, observation windows, teardown\n"
    "  --check-traceability  check that every clause is tested and every test cites defined\n"
    "                        clauses; needs no driver\n"
    "environment: STARTJOIN_TIMEOUT_MULTIPLIER scales every deadline (default 1); RC_PARAMS\n"
    "  sets RapidCheck's parameters (without a seed, one seed is picked for the whole run, or 1\n"
    "  with --expectations);\n"
    "  GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX shard the run (--shard); GTEST_SHARD_STATUS_FILE\n"
    "  is touched before any test\n";

[[noreturn]] void reject(const std::string& problem) {
    fmt::print(stderr, "startjoin-conformance: {}\n{}", problem, usage);
    std::exit(2);
}

// A count of at least 1 and at most `most`, or exit 2 naming the flag.
int count_of(std::string_view flag, const std::string& text, int most) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > most) {
        reject(fmt::format("{} needs a whole number from 1 to {}, not '{}'", flag, most, text));
    }
    return value;
}

int cores() {
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? static_cast<int>(online) : 1;
}

bool is_gtest_flag(std::string_view arg) {
    return arg.starts_with("--gtest_") || arg.starts_with("-gtest_") || arg.starts_with("/gtest_");
}

}  // namespace

bool asks_for_help(const std::vector<std::string>& args) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") return true;
    }
    return false;
}

void print_usage() { fmt::print("{}", usage); }

options parse_options(const std::vector<std::string>& original, int argc, char** argv,
                      const data_defaults& defaults) {
    options parsed;
    bool spec_given = false, regressions_given = false;
    std::optional<test_shard> shard_flag;
    parsed.jobs = cores();
    for (const std::string& arg : original) {
        if (is_gtest_flag(arg)) parsed.gtest_flags.push_back(arg);
    }
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value_of = [&](std::string_view flag) -> std::optional<std::string> {
            if (arg == flag) {
                if (i + 1 >= argc) reject(fmt::format("{} needs a value", flag));
                return std::string(argv[++i]);
            }
            if (arg.starts_with(std::string(flag) + "="))
                return std::string(arg.substr(flag.size() + 1));
            // -j4, as make and ctest accept it.
            if (flag.size() == 2 && arg.size() > 2 && arg.starts_with(flag))
                return std::string(arg.substr(2));
            return std::nullopt;
        };
        if (auto driver = value_of("--driver")) {
            parsed.driver = std::move(driver);
        } else if (auto report = value_of("--report-json")) {
            parsed.reports.json = std::move(report);
        } else if (auto junit = value_of("--report-junit")) {
            parsed.reports.junit = std::move(junit);
        } else if (auto markdown = value_of("--report-markdown")) {
            parsed.reports.markdown = std::move(markdown);
        } else if (auto suggested = value_of("--suggest-expectations")) {
            parsed.reports.suggested_expectations = std::move(suggested);
        } else if (auto file = value_of("--expectations")) {
            parsed.expectations = std::move(file);
        } else if (auto profile = value_of("--driver-profile")) {
            if (!is_known_profile(*profile))
                reject(
                    fmt::format("--driver-profile must be process or thread, not '{}'", *profile));
            parsed.driver_profile = std::move(profile);
        } else if (auto spec = value_of("--spec")) {
            parsed.spec = std::move(*spec);
            spec_given = true;
        } else if (auto regressions = value_of("--regressions")) {
            parsed.regressions = std::move(*regressions);
            regressions_given = true;
        } else if (auto jobs = value_of("--jobs")) {
            parsed.jobs = count_of("--jobs", *jobs, 256);
        } else if (auto jobs = value_of("-j")) {
            parsed.jobs = count_of("-j", *jobs, 256);
        } else if (auto repeat = value_of("--repeat")) {
            parsed.repeat = count_of("--repeat", *repeat, 100000);
        } else if (auto text = value_of("--shard")) {
            try {
                shard_flag = parse_shard(*text);
            } catch (const std::invalid_argument& error) {
                reject(error.what());
            }
        } else if (arg == "--random-seed") {
            parsed.random_seed = true;
        } else if (arg == "--profile") {
            parsed.profile = true;
        } else if (arg == "--list-clauses") {
            parsed.list_clauses = true;
        } else if (arg == "--list-tests-json") {
            parsed.list_tests_json = true;
        } else if (arg == "--check-traceability") {
            parsed.check_traceability = true;
        } else if (arg == "--worker") {
            parsed.worker = true;
        } else if (arg == "--certified") {
            parsed.certified = true;
        } else if (arg == "--serves-cases") {
            parsed.serves_cases = true;
        } else {
            reject(fmt::format("unknown argument '{}'", arg));
        }
    }
    try {
        parsed.shard = resolve_shard(shard_flag, shard_from_environment());
    } catch (const std::invalid_argument& error) {
        // The environment is not a flag of ours: no usage text, which would not mention it.
        fmt::print(stderr, "startjoin-conformance: {}\n", error.what());
        std::exit(2);
    }
    if (!spec_given) {
        const auto found = first_directory(defaults.spec);
        if (!found) {
            // Not a usage error: the installation or the build tree lacks its spec.
            std::vector<std::string> tried;
            for (const auto& path : defaults.spec) tried.push_back(path.string());
            fmt::print(stderr,
                       "startjoin-conformance: no spec directory found; tried {}; name one with "
                       "--spec DIR\n",
                       fmt::join(tried, ", "));
            std::exit(2);
        }
        parsed.spec = found->string();
    }
    if (!regressions_given) {
        // A missing directory holds no regressions (read_regressions).
        if (const auto found = first_directory(defaults.regressions)) {
            parsed.regressions = found->string();
        } else if (!defaults.regressions.empty()) {
            parsed.regressions = defaults.regressions.back().string();
        }
    }
    // Found now, not after a run of minutes whose verdict would then be lost.
    for (const auto& [flag, path] :
         {std::pair{"--report-json", &parsed.reports.json},
          {"--report-junit", &parsed.reports.junit},
          {"--report-markdown", &parsed.reports.markdown},
          {"--suggest-expectations", &parsed.reports.suggested_expectations}}) {
        if (!*path) continue;
        if (const auto reason = unwritable_reason(**path)) {
            reject(fmt::format("cannot write the {} report to '{}': {}", flag, **path, *reason));
        }
    }
    return parsed;
}

}  // namespace startjoin::conformance
