// The verdict per test and per spec clause: printed as a summary after the run, and written as
// JSON with --report-json (and for CI systems with --report-junit and --report-markdown). A run in
// one process collects it with report_listener; a parallel run (coordinator.hpp) merges its
// workers' outcomes and prints the same summary.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "expectations.hpp"
#include "outcome.hpp"
#include "report_files.hpp"
#include "session.hpp"
#include "spec_document.hpp"
#include "verdicts.hpp"

namespace startjoin::conformance {

/// Remembers which implementation the run talks to, for the summary's header.
void note_driver(const hello_info& hello);
/// What note_driver() remembered; none before any test met the driver.
const std::optional<hello_info>& noted_driver();

/// The verdict of every clause of the spec, in its order, then of any clause a test cites that
/// the spec lacks (verdicts.hpp, with the clauses of current_spec()).
std::vector<clause_verdict> clause_verdicts(const std::vector<test_outcome>& outcomes);

/// The summary's last line: "56 clauses: 56 passed, 0 failed, ...; 89 tests: 89 passed".
std::string totals_text(const std::vector<test_outcome>& outcomes,
                        const std::vector<clause_verdict>& verdicts);

/// Prints the per-clause summary of every clause of the spec, the failed tests, and the totals,
/// for the driver that answered `hello`.
void print_summary(const std::vector<test_outcome>& outcomes,
                   const std::optional<hello_info>& hello);

/// Writes the JSON report to `path`; exits with status 2 if it cannot (a report the caller asked
/// for and silently lacks is worse than none). `extra` entries are added at the top level.
void write_report(const std::string& path, const std::vector<test_outcome>& outcomes,
                  const std::optional<hello_info>& hello,
                  const nlohmann::json& extra = nlohmann::json::object());

/// Writes every report `paths` names: JSON (with `extra`), JUnit XML, Markdown. Exits with
/// status 2 if one cannot be written.
void write_reports(const report_paths& paths, const std::vector<test_outcome>& outcomes,
                   const std::optional<hello_info>& hello,
                   const nlohmann::json& extra = nlohmann::json::object());

/// A worker's report is JSON lines, written as tests end so that a worker that dies keeps what
/// it had: {"test": {...}} per test (to_json of outcome.hpp), {"driver": {...}} once its
/// handshake is known.
nlohmann::json to_json(const hello_info& hello);
hello_info hello_from_json(const nlohmann::json& entry);

/// Collects outcomes as tests end. At the end of the program prints the summary and writes the
/// reports `paths` names; a worker instead appends each outcome to `paths.json` at once and
/// prints nothing. `extra` entries are added to the JSON report's top level.
class report_listener : public ::testing::EmptyTestEventListener {
  public:
    report_listener(report_paths paths, expectations expected, bool worker,
                    nlohmann::json extra = nlohmann::json::object());
    void OnTestStart(const ::testing::TestInfo& info) override;
    void OnTestEnd(const ::testing::TestInfo& info) override;
    void OnTestProgramEnd(const ::testing::UnitTest& unit) override;

    /// The runner's exit status: 1 if any test failed (expected failures aside), else 0.
    int exit_status() const { return exit_status_of(outcomes_); }
    /// The outcome of the test that ended last (none before the first).
    const test_outcome* last_outcome() const {
        return outcomes_.empty() ? nullptr : &outcomes_.back();
    }

  private:
    void append_line(const nlohmann::json& line);

    report_paths paths_;
    expectations expected_;
    bool worker_;
    nlohmann::json extra_;
    bool driver_written_ = false;
    std::vector<test_outcome> outcomes_;
};

/// Replaces gtest's result printer with one that speaks the runner's statuses: an XFAIL or XPASS
/// test says so, not "FAILED" or "OK", and gtest's own totals (which count an expected failure
/// as a failure and a BROKEN test like any failure) give way to the runner's summary, so the two
/// never disagree. A worker prints only its tests; its coordinator prints the run's frame.
/// Call before `report` is appended to the listeners.
void install_status_printer(const report_listener* report, bool worker);

}  // namespace startjoin::conformance
