// A JSON report (--report-json) read from a file and checked before anything uses it: every
// error names the file and what is wrong with it, since a merge or diff over a bad input would
// give a verdict that looks right and is not.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "outcome.hpp"

namespace startjoin::report_tool {

/// Input that cannot be used: a missing file, malformed JSON, another format, conflicting
/// reports. startjoin-report exits with status 2 on it.
struct report_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct report_file {
    std::string path;
    nlohmann::json document;                       ///< the whole report, as read
    std::vector<conformance::test_outcome> tests;  ///< its "tests", in its order
};

/// Reads and checks the report at `path`. Throws report_error if it cannot be read, is not
/// JSON (with the parser's position), or is not a report of the current format version.
report_file read_report(const std::string& path);

/// The report as it would be read from `path` (for tests and for read_report itself).
report_file report_from_json(const std::string& path, nlohmann::json document);

/// The clauses of the spec the report was made against, in its order: every clause of its
/// "clauses" but those the spec lacks (UNDEFINED).
std::vector<std::string> spec_clauses_of(const report_file& report);

}  // namespace startjoin::report_tool
