// One test's outcome as the JSON report holds it, shared by the runner (which writes reports)
// and startjoin-report (which merges and compares them), so both read and write the same fields.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace startjoin::conformance {

/// One test's outcome. status is one of PASS, FAIL, TIMEOUT, CRASH, BROKEN, SKIP, NOT RUN (the
/// run was interrupted before or during it), and, with expectations, XFAIL or XPASS.
struct test_outcome {
    std::string name;
    std::vector<std::string> clauses;
    std::string status;
    std::string message;
    /// What the test says of each clause it cites, when that is not its status for all of
    /// them: a property that failed names the clause its failing check broke (FAIL) and leaves
    /// the others it cites undecided (absent here); the clauses of its known cases are XFAIL
    /// (or XPASS, an expected case that never showed), the rest PASS once it held apart from
    /// them. Empty: the status is the verdict on every clause it cites.
    std::map<std::string, std::string> clause_statuses;
    /// A failing property's distinct deviations, in the order found: the clause its failing
    /// check named (empty if none) and what went wrong, as its message says it. What
    /// --suggest-expectations turns into known cases.
    std::vector<std::pair<std::string, std::string>> deviations;
    nlohmann::json profile;  ///< where its time went (profile_report.hpp); null if unknown
    double seconds = 0.0;    ///< its wall time; 0 for a test whose worker never reported it
};

/// Whether `status` makes the run fail.
bool is_failure(const std::string& status);

/// 1 if any outcome is a failure (expected failures aside), else 0.
int exit_status_of(const std::vector<test_outcome>& outcomes);

/// A test as the report's "tests" array holds it; a worker writes the same object per line.
nlohmann::json to_json(const test_outcome& outcome);
/// The inverse of to_json(). Throws nlohmann::json::exception if a required field is missing or
/// of the wrong type; "profile" and "seconds" are optional (a version 1 report has no seconds).
test_outcome test_outcome_from_json(const nlohmann::json& entry);

}  // namespace startjoin::conformance
