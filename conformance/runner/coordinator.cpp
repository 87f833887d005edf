#include "coordinator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cancellation.hpp"
#include "clauses.hpp"
#include "driver_launcher.hpp"
#include "fixture.hpp"
#include "pidfd.hpp"
#include "reaper.hpp"
#include "reporting.hpp"
#include "run_metadata.hpp"
#include "run_seed.hpp"
#include "self_process.hpp"
#include "shard.hpp"
#include "timeouts.hpp"
#include "unique_fd.hpp"

namespace startjoin::conformance {
namespace {

namespace fs = std::filesystem;

// Example tests per batch: enough that starting a worker (reading the spec, a process) stays
// small beside the batch, few enough that the last batches still spread over the workers.
constexpr std::size_t example_batch_size = 10;

bool is_property(const std::string& test) { return test.starts_with("Property."); }

// How long a batch may run before its worker is killed. Far beyond what the tests' own deadlines
// allow (a property stops generating after 60 s and shrinking after 30 s; an operation times
// out after 10 s), so that only a hung worker meets it.
seconds budget_of(const std::vector<std::string>& batch) {
    seconds total{0};
    for (const std::string& test : batch) total += is_property(test) ? seconds(240) : seconds(60);
    return scaled(total);
}

// A worker runs `batch` with the command line's flags, certified, reporting to `report`.
std::vector<std::string> worker_arguments(const options& parsed,
                                          const std::vector<std::string>& batch,
                                          const fs::path& report) {
    std::vector<std::string> arguments = {self_executable, "--worker",      "--certified",
                                          "--driver",      *parsed.driver,  "--spec",
                                          parsed.spec,     "--regressions", parsed.regressions,
                                          "--report-json", report.string()};
    if (parsed.expectations) {
        arguments.insert(arguments.end(), {"--expectations", *parsed.expectations});
    }
    // What the protocol check learned: otherwise each worker's first test would run in a driver
    // started afresh, and a case server's faults would hide from every batch of one test.
    if (uses_case_server(*parsed.driver)) arguments.push_back("--serves-cases");
    for (const std::string& flag : parsed.gtest_flags) {
        // The batch is the filter; one XML file per worker would overwrite each other.
        if (!gtest_flag_is(flag, "filter") && !gtest_flag_is(flag, "output")) {
            arguments.push_back(flag);
        }
    }
    arguments.push_back(fmt::format("--gtest_filter={}", fmt::join(batch, ":")));
    return arguments;
}

struct worker {
    std::vector<std::string> batch;
    child process;
    fs::path output, report;
    seconds budget{0};
    clock::time_point deadline;
    bool killed = false;  // by us, at its deadline
};

// A test the run's cancellation kept from running or from ending.
test_outcome not_run(const std::string& test) {
    test_outcome outcome;
    outcome.name = test;
    if (const auto found = clauses_by_test().find(test); found != clauses_by_test().end())
        outcome.clauses = found->second;
    outcome.status = "NOT RUN";
    outcome.message = "[NOT RUN] " + cancellation_reason();
    return outcome;
}

// One run of every batch: the merged outcomes, in the order of `tests`.
struct run_result {
    std::vector<test_outcome> outcomes;
    std::optional<hello_info> hello;
    long long elapsed_ms = 0;
};

class run {
  public:
    run(const options& parsed, const std::vector<std::vector<std::string>>& batches,
        std::string rc_params, const fs::path& directory)
        : parsed_(parsed),
          batches_(batches),
          environment_(environment_with(rc_params)),
          directory_(directory) {}

    run_result go(const std::vector<std::string>& tests) {
        const auto started = clock::now();
        std::deque<std::size_t> pending;
        for (std::size_t i = 0; i < batches_.size(); ++i) pending.push_back(i);
        while ((!pending.empty() && !cancelled()) || !running_.empty()) {
            while (running_.size() < static_cast<std::size_t>(parsed_.jobs) && !pending.empty() &&
                   !cancelled()) {
                start(pending.front());
                pending.pop_front();
            }
            wait_for_one();
        }
        run_result result;
        result.hello = hello_;
        for (const std::string& test : tests) {
            if (const auto found = outcomes_.find(test); found != outcomes_.end()) {
                result.outcomes.push_back(std::move(found->second));
            } else if (cancelled()) {
                result.outcomes.push_back(not_run(test));  // its batch never started
            }
        }
        result.elapsed_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started).count();
        return result;
    }

  private:
    void start(std::size_t index) {
        worker started;
        started.batch = batches_[index];
        started.output = directory_ / fmt::format("batch-{}.out", index);
        started.report = directory_ / fmt::format("batch-{}.jsonl", index);
        started.budget = budget_of(started.batch);
        started.deadline = deadline_after(started.budget);
        started.process = spawn_self(worker_arguments(parsed_, started.batch, started.report),
                                     environment_, started.output);
        running_.push_back(std::move(started));
    }

    // Waits until a worker ends or the earliest deadline passes, and deals with it.
    void wait_for_one() {
        std::vector<pollfd> ready;
        clock::time_point earliest = clock::time_point::max();
        for (const worker& each : running_) {
            ready.push_back({each.process.pidfd.get(), POLLIN, 0});
            earliest = std::min(earliest, each.deadline);
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(earliest - clock::now());
        const int count = ::poll(ready.data(), ready.size(),
                                 static_cast<int>(std::clamp<long>(left.count(), 0, INT_MAX)));
        if (count < 0 && errno != EINTR) throw_errno("poll");
        if (cancelled() && !cancellation_forwarded_) {
            // Each worker ends its test in progress and reports the rest NOT RUN, as this
            // process would at -j 1; a ^C on a terminal has told them already.
            for (const worker& each : running_) {
                ::pidfd_send_signal(each.process.pidfd.get(), SIGTERM, nullptr, 0);
            }
            cancellation_forwarded_ = true;
        }
        std::vector<worker> still_running;
        for (std::size_t i = 0; i < running_.size(); ++i) {
            worker& each = running_[i];
            if (ready[i].revents != 0) {
                finish(each, reap(each.process));
            } else if (clock::now() >= each.deadline && !each.killed) {
                ::pidfd_send_signal(each.process.pidfd.get(), SIGKILL, nullptr, 0);
                each.killed = true;
                each.deadline = deadline_after(timeouts::exit());
                still_running.push_back(std::move(each));
            } else if (clock::now() >= each.deadline) {
                // Not even SIGKILL ended it (a process stuck in the kernel): give up on it, and
                // let the final reap try once more.
                finish(each, std::nullopt);
            } else {
                still_running.push_back(std::move(each));
            }
        }
        running_ = std::move(still_running);
    }

    // Prints the worker's output whole, after it ended, so workers never interleave; takes its
    // outcomes, and gives each test it did not report the reason.
    void finish(const worker& ended, std::optional<int> status) {
        const std::string output = read_text(ended.output);
        std::fwrite(output.data(), 1, output.size(), stdout);
        std::set<std::string> reported;
        std::istringstream lines(read_text(ended.report));
        for (std::string line; std::getline(lines, line);) {
            const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
            if (entry.is_discarded()) continue;  // a line the worker died while writing
            if (entry.contains("driver") && !hello_) hello_ = hello_from_json(entry["driver"]);
            if (entry.contains("test")) {
                test_outcome outcome = test_outcome_from_json(entry["test"]);
                reported.insert(outcome.name);
                outcomes_[outcome.name] = std::move(outcome);
            }
        }
        const bool normal = status && WIFEXITED(*status) && WEXITSTATUS(*status) <= 1;
        if (normal && reported.size() == ended.batch.size()) return;
        if (cancelled()) {
            for (const std::string& test : ended.batch) {
                if (!reported.contains(test)) outcomes_[test] = not_run(test);
            }
            std::fflush(stdout);
            return;
        }
        const std::string how = ended.killed
                                    ? fmt::format("passed its deadline of {:.0f} s and was killed",
                                                  ended.budget.count())
                                : status ? how_it_ended(*status)
                                         : "could not be reaped";
        fmt::print("[  WORKER  ] the worker process {} running {} {}\n", ended.process.pid,
                   fmt::join(ended.batch, " "), how);
        for (const std::string& test : ended.batch) {
            if (reported.contains(test)) continue;
            test_outcome outcome;
            outcome.name = test;
            if (const auto found = clauses_by_test().find(test); found != clauses_by_test().end())
                outcome.clauses = found->second;
            outcome.status = ended.killed ? "TIMEOUT" : "CRASH";
            outcome.message = fmt::format(
                "[{}] the worker process {} running this test {} before reporting it; its output "
                "is above",
                outcome.status, ended.process.pid, how);
            outcomes_[test] = std::move(outcome);
        }
        std::fflush(stdout);
    }

    const options& parsed_;
    const std::vector<std::vector<std::string>>& batches_;
    std::vector<std::string> environment_;
    fs::path directory_;
    std::vector<worker> running_;
    std::map<std::string, test_outcome> outcomes_;
    std::optional<hello_info> hello_;
    bool cancellation_forwarded_ = false;
};

std::size_t suite_count(const std::vector<test_outcome>& outcomes) {
    std::set<std::string> suites;
    for (const test_outcome& outcome : outcomes) {
        suites.insert(outcome.name.substr(0, outcome.name.find('.')));
    }
    return suites.size();
}

}  // namespace

std::vector<std::vector<std::string>> batches_of(const std::vector<std::string>& tests) {
    std::vector<std::vector<std::string>> batches;
    // The heavy ones first, so that no worker starts one when the others are nearly done.
    for (const std::string& test : tests) {
        if (is_property(test)) batches.push_back({test});
    }
    std::vector<std::string> examples;
    for (const std::string& test : tests) {
        if (!is_property(test)) examples.push_back(test);
    }
    for (std::size_t i = 0; i < examples.size(); i += example_batch_size) {
        const auto end = std::min(examples.size(), i + example_batch_size);
        batches.emplace_back(examples.begin() + i, examples.begin() + end);
    }
    return batches;
}

int run_coordinated(const options& parsed, const std::vector<std::string>& tests,
                    const std::vector<std::vector<std::string>>& batches,
                    const nlohmann::json& report_extra) {
    const char* rc_env = std::getenv("RC_PARAMS");
    const std::string rc_params = rc_env != nullptr ? rc_env : "";
    const bool seed_given = seed_in(rc_params).has_value();
    const temporary_directory directory;

    std::map<std::string, std::map<std::string, int>> statuses;  // test -> status -> runs
    int failed_runs = 0;
    run_result last;
    for (int number = 1; number <= parsed.repeat && !cancelled(); ++number) {
        // Every worker of a run gets the same seed, so a run's results are those of one process
        // with that seed; each run of --repeat picks a new one unless RC_PARAMS names one.
        const std::string seed = seed_given ? *seed_in(rc_params) : random_seed();
        const std::string worker_params = seed_given ? rc_params : with_seed(rc_params, seed);
        note_run_seed(seed);  // the report is the last run's
        if (parsed.repeat > 1) fmt::print("[==========] run {} of {}\n", number, parsed.repeat);
        fmt::print("[==========] RapidCheck seed {} (RC_PARAMS='{}' repeats this run)\n", seed,
                   worker_params);
        fmt::print("[==========] Running {} tests in {} batches, {} at once.\n", tests.size(),
                   batches.size(), std::min<std::size_t>(parsed.jobs, batches.size()));
        std::fflush(stdout);
        const fs::path run_directory = directory.path() / std::to_string(number);
        fs::create_directory(run_directory);
        last = run(parsed, batches, worker_params, run_directory).go(tests);
        // Orphans of a worker that died are ours now (we are their subreaper).
        for (const std::string& problem : reap_all_children(deadline_after(timeouts::exit()))) {
            fmt::print(stderr, "startjoin-conformance: {}\n", problem);
        }
        fmt::print("[==========] {} tests from {} test suites ran. ({} ms total)\n",
                   last.outcomes.size(), suite_count(last.outcomes), last.elapsed_ms);
        print_summary(last.outcomes, last.hello);
        const bool failed = exit_status_of(last.outcomes) != 0;
        failed_runs += failed;
        if (failed) {
            fmt::print("RapidCheck seed of this run: {} (RC_PARAMS='{}' reproduces it)\n", seed,
                       worker_params);
        }
        for (const test_outcome& outcome : last.outcomes) ++statuses[outcome.name][outcome.status];
        std::fflush(stdout);
    }

    nlohmann::json extra = report_extra;
    int changed = 0;
    if (parsed.repeat > 1) {
        nlohmann::json changes = nlohmann::json::object();
        fmt::print("\nstability over {} runs ({} failed):\n", parsed.repeat, failed_runs);
        for (const std::string& test : tests) {
            const auto& counts = statuses[test];
            if (counts.size() <= 1) continue;
            ++changed;
            // The most frequent status first: "PASS x19, FAIL x1".
            std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
            std::stable_sort(sorted.begin(), sorted.end(),
                             [](const auto& a, const auto& b) { return a.second > b.second; });
            std::vector<std::string> parts;
            for (const auto& [status, runs] : sorted) {
                parts.push_back(fmt::format("{} x{}", status, runs));
            }
            fmt::print("  {}: {}\n", test, fmt::join(parts, ", "));
            changes[test] = counts;
        }
        fmt::print("{} status change{} in {} runs\n", changed, changed == 1 ? "" : "s",
                   parsed.repeat);
        extra["repeat"] = {
            {"runs", parsed.repeat}, {"failed_runs", failed_runs}, {"changed", changes}};
    }
    write_reports(parsed.reports, last.outcomes, last.hello, extra);
    if (cancelled()) return cancelled_exit_status();
    return failed_runs > 0 || changed > 0 ? 1 : 0;
}

}  // namespace startjoin::conformance
