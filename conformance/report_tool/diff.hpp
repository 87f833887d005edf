// `startjoin-report diff OLD NEW`: what changed per test between two reports, regressions first,
// for a CI job that must fail when a change of the implementation (or of the suite) breaks a
// test that used to pass.
#pragma once

#include <string>
#include <vector>

#include "outcome.hpp"

namespace startjoin::report_tool {

/// One test's status in the old and the new report; empty where the test is absent.
struct status_change {
    std::string test;
    std::string old_status;
    std::string new_status;
};

struct report_diff {
    /// Not failing before (or absent), failing now (conformance::is_failure).
    std::vector<status_change> regressions;
    /// Failing before, not failing now.
    std::vector<status_change> fixed;
    /// Any other change of status: FAIL -> TIMEOUT, PASS -> SKIP, ...
    std::vector<status_change> changed;
    /// Only in the new report, not failing (a failing one is a regression).
    std::vector<status_change> added;
    /// Only in the old report.
    std::vector<status_change> removed;

    bool has_regression() const { return !regressions.empty(); }
};

/// The changes from `old_tests` to `new_tests`, each list in the new report's order (removed
/// tests in the old report's).
report_diff diff_tests(const std::vector<conformance::test_outcome>& old_tests,
                       const std::vector<conformance::test_outcome>& new_tests);

/// The diff as text: one section per non-empty list, in the order of report_diff's fields, one
/// "  Test.Name: OLD -> NEW" line per test, then a line of counts.
std::string diff_text(const report_diff& diff);

}  // namespace startjoin::report_tool
