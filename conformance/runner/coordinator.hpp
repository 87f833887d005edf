// Runs the suite in parallel: the runner is a child subreaper that reaps all its children at the
// end of every test, so two tests cannot share a process. The coordinator (this process, after
// it has certified the driver) runs copies of its own executable as workers instead, each on a
// small batch of tests, at most --jobs at once, and merges what they report into one summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "options.hpp"

namespace startjoin::conformance {

/// The batches the coordinator hands out: each property test alone (each is 10 to 100 times an
/// example test), then the other tests in runs of a few, so that the workers stay busy until
/// the end whatever the mix.
std::vector<std::vector<std::string>> batches_of(const std::vector<std::string>& tests);

/// Runs `batches` parsed.repeat times with up to parsed.jobs workers; prints each run's worker
/// output, summary and (with --repeat) the tests whose status changed; writes the reports
/// (--report-json, --report-junit, --report-markdown) of the last run, the JSON one with the
/// entries of `report_extra` added. Workers get this process's environment, sharding variables
/// aside (shard.hpp): `tests` are a shard already, if sharded.
/// Returns the exit status: 1 if any run failed or any status changed, else 0.
int run_coordinated(const options& parsed, const std::vector<std::string>& tests,
                    const std::vector<std::vector<std::string>>& batches,
                    const nlohmann::json& report_extra);

}  // namespace startjoin::conformance
