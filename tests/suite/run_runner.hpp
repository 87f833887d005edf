// Runs startjoin-conformance as a user would, and reads back its JSON report.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace startjoin::suite_tests {

struct runner_result {
    int exit_code = -1;     ///< the runner's exit status, or -1 if it did not exit normally
    bool hung = false;      ///< it passed the deadline of run_runner and was killed
    std::string output;     ///< its stdout and stderr, interleaved
    nlohmann::json report;  ///< the --report-json file; null if it was not written
    /// The largest resident set of the runner or of any process it reaped (its drivers and
    /// workers), in KiB: what a flood cost in memory.
    long peak_rss_kib = 0;

    /// The report entry of test `name` ("Seed.ParentOutputAppearsOnlyAfterChildCompletes").
    nlohmann::json test(const std::string& name) const;
    /// The report entry of clause `id` ("join.after-exit").
    nlohmann::json clause(const std::string& id) const;
};

/// Runs the runner with `arguments` (after the program name), with extra `environment`
/// entries ("NAME=value") but without this process's GoogleTest sharding variables (a sharded
/// run of these tests shards them, not the runners they start). --report-json is added. A
/// runner that has not ended after 300 s (times STARTJOIN_TIMEOUT_MULTIPLIER) is killed, with
/// `hung` set: a hang fails the test that met it instead of stopping the whole suite.
runner_result run_runner(const std::vector<std::string>& arguments,
                         const std::vector<std::string>& environment = {});

/// The driver command of a fake driver written in sh: `body` runs after a valid handshake.
std::string fake_driver(const std::string& body);

/// A spec directory for one test, holding `markdown` as bad.md (so messages name spec/bad.md);
/// removed with the object.
class temporary_spec {
  public:
    explicit temporary_spec(const std::string& markdown)
        : directory_(
              std::filesystem::temp_directory_path() /
              ("startjoin-spec-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        std::filesystem::create_directories(directory_);
        std::ofstream(directory_ / "bad.md") << markdown;
    }
    ~temporary_spec() { std::filesystem::remove_all(directory_); }
    std::string path() const { return directory_.string(); }

  private:
    static inline int counter_ = 0;
    std::filesystem::path directory_;
};

}  // namespace startjoin::suite_tests
