// The dashboard's page model: what the pages of `startjoin-report html` show, computed from the
// reports and the spec before any HTML is written. One column per report; one cell per clause of
// the spec and column; a score per column, the interop figure over all columns, and a diff for
// each two consecutive reports of the same implementation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "diff.hpp"
#include "failure_cause.hpp"
#include "outcome.hpp"
#include "report_file.hpp"
#include "spec_reader.hpp"

namespace startjoin::report_tool {

/// Which run a report is of, from its "driver" and "run" objects (empty where absent).
struct run_info {
    std::string file;            ///< the report's file name, without its folder
    std::string implementation;  ///< driver.implementation
    std::string version;         ///< driver.version
    std::string profile;         ///< driver.profile
    std::string certification;   ///< "certified" or "BROKEN"
    std::string runner_version;
    std::string started;  ///< UTC, ISO 8601
    std::string machine;  ///< "hostname (Linux 6.1.0 x86_64, 2 CPUs)"
    std::string filter;   ///< the run's --gtest_filter; empty if it ran everything

    /// "implementation version", or the report's file name if the driver gave no name.
    std::string label() const;
};

/// One test citing a clause, with what it says of that clause.
struct cited_test {
    std::string name;
    std::string status;   ///< of the clause: the test's clause_statuses entry, else its status
    std::string message;  ///< empty for a PASS
    std::vector<failure_cause> causes;
    std::vector<std::string> deviations;  ///< what went wrong, of the deviations of this clause
};

struct cell {
    std::string status = "NOT RUN";  ///< the report's verdict on the clause
    std::string reason;              ///< why a SKIP clause was skipped
    std::vector<cited_test> tests;   ///< failing first, then in the report's order
};

struct column {
    run_info run;
    std::vector<conformance::test_outcome> tests;
    std::map<std::string, cell> cells;  ///< by clause ID, every clause of the spec
    int passed = 0;                     ///< clauses of the spec with status PASS
    int ran = 0;                        ///< clauses of the spec with a status other than NOT RUN
};

/// The changes between two reports of one implementation (columns old_column, new_column).
struct run_diff {
    std::size_t old_column = 0;
    std::size_t new_column = 0;
    report_diff changes;
};

struct site_model {
    spec_text spec;
    std::vector<column> columns;  ///< in the order the reports were given
    int interop = 0;              ///< clauses of the spec that every column passes
    std::vector<run_diff> diffs;
};

/// The model of `reports` against `spec`. Throws report_error naming a report whose "driver",
/// "run" or "clauses" has a field of the wrong type.
site_model build_site_model(spec_text spec, const std::vector<report_file>& reports);

/// Whether `status` counts against an implementation (conformance::is_failure).
bool is_failing(const std::string& status);

}  // namespace startjoin::report_tool
