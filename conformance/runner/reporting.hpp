// The verdict per test and per spec clause: printed as a summary after the run, and written as
// JSON with --report-json.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "expectations.hpp"
#include "session.hpp"
#include "spec_document.hpp"

namespace startjoin::conformance {

/// Remembers which implementation the run talks to, for the summary's header.
void note_driver(const hello_info& hello);

/// One test's outcome. status is one of PASS, FAIL, TIMEOUT, CRASH, BROKEN, SKIP, and, with
/// expectations, XFAIL or XPASS.
struct test_outcome {
    std::string name;
    std::vector<std::string> clauses;
    std::string status;
    std::string message;
};

/// Whether `status` makes the run fail.
bool is_failure(const std::string& status);

/// Collects outcomes as tests end; at the end of the program prints the per-clause summary of
/// every clause of the spec and, if `json_path` is set, writes the report there.
class report_listener : public ::testing::EmptyTestEventListener {
  public:
    report_listener(std::optional<std::string> json_path, expectations expected)
        : json_path_(std::move(json_path)), expected_(std::move(expected)) {}
    void OnTestEnd(const ::testing::TestInfo& info) override;
    void OnTestProgramEnd(const ::testing::UnitTest& unit) override;

    /// The runner's exit status: 1 if any test failed (expected failures aside), else 0.
    int exit_status() const;

  private:
    std::optional<std::string> json_path_;
    expectations expected_;
    std::vector<test_outcome> outcomes_;
};

}  // namespace startjoin::conformance
