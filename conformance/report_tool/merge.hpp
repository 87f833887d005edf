// `startjoin-report merge`: the reports of shards of one run (the same driver, disjoint or
// overlapping --gtest_filter selections) as the one report a single run over all their tests
// would have written.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "report_file.hpp"

namespace startjoin::report_tool {

/// The merged report: the union of the tests (in the inputs' order), the clause verdicts and
/// totals recomputed from them (verdicts.hpp: the runner's own rules), "run" with the earliest
/// start and the durations summed (its other fields are the first input's), the certification
/// BROKEN if any input's was, and "merged_from" listing the inputs' paths. Throws report_error,
/// naming the files, if there is no input, if two drivers differ, or if a test has different
/// statuses in two inputs.
nlohmann::json merge_reports(const std::vector<report_file>& inputs);

}  // namespace startjoin::report_tool
