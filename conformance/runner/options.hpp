// The runner's own command line (gtest takes its --gtest_* flags out of argv first).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report_files.hpp"
#include "shard.hpp"

namespace startjoin::conformance {

struct options {
    std::optional<std::string> driver;
    /// --report-json, --report-junit, --report-markdown; parse_options has checked that each
    /// can be written.
    report_paths reports;
    std::optional<std::string> expectations;
    /// --driver-profile: the profile the driver must declare (a driver declaring another is a
    /// setup error); --list-tests-json then lists only the tests that apply to it.
    std::optional<std::string> driver_profile;
    std::string spec;
    std::string regressions;
    bool check_traceability = false;
    bool list_clauses = false;
    /// --list-tests-json: print the selected tests with their clauses and sections
    /// (test_listing.hpp).
    bool list_tests_json = false;
    /// --profile: print where each test's time went after the summary.
    bool profile = false;
    /// --random-seed: a new RapidCheck seed even with an expectations file (run_seed.hpp).
    bool random_seed = false;
    /// -j / --jobs: how many worker processes run tests at once (default: the number of cores).
    int jobs = 1;
    /// --shard K/N, or GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX (shard.hpp): the part of the
    /// selected tests this run takes; none runs them all.
    std::optional<test_shard> shard;
    /// --repeat: how many times the whole selection runs (1: once, no stability report).
    int repeat = 1;
    /// Hidden: this process is a worker of a coordinator (coordinator.hpp). It prints no
    /// summary and writes its outcomes as they happen to reports.json, one JSON line each.
    bool worker = false;
    /// Hidden: the coordinator has certified the driver already; do not check it again.
    bool certified = false;
    /// Hidden: the coordinator's handshake declared `cases`; every session of this worker is a
    /// case forked from the case server, its first one included.
    bool serves_cases = false;
    /// The gtest flags of the command line (--gtest_*), as given, for the workers.
    std::vector<std::string> gtest_flags;
};

/// Where to look for the spec and the regressions when --spec and --regressions do not say, in
/// order of preference (data_dirs.hpp).
struct data_defaults {
    std::vector<std::filesystem::path> spec;
    std::vector<std::filesystem::path> regressions;
};

/// Reads the runner's flags. `original` is argv before gtest took its flags out of it (for
/// gtest_flags); `argc`/`argv` after. Bad input prints the usage and exits with status 2,
/// before any test runs; so does a spec found in none of `defaults.spec` (naming each path
/// tried) when --spec does not name one. Without --regressions, the first existing directory
/// of `defaults.regressions`, else none. --shard and GoogleTest's sharding variables must
/// agree (exit 2 otherwise).
options parse_options(const std::vector<std::string>& original, int argc, char** argv,
                      const data_defaults& defaults);

/// Whether the command line asks for help (--help or -h, as GoogleTest also reads them).
bool asks_for_help(const std::vector<std::string>& args);

/// The runner's own usage, on stdout: what --help shows first, before GoogleTest's flags.
void print_usage();

}  // namespace startjoin::conformance
