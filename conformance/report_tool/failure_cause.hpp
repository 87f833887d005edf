// The causes an expectations file gave for a test's failures, read back out of the message the
// runner wrote (conformance/runner/expectations.cpp): the report has no field of its own for
// them, and the dashboard shows each beside the failure with its upstream link.
#pragma once

#include <string>
#include <vector>

namespace startjoin::report_tool {

struct failure_cause {
    std::string reason;  ///< the expectation's "reason"
    std::string link;    ///< its "link" (the implementation's bug report); empty if none
};

/// The causes quoted in `message`, in its order: "expected failure: REASON (LINK)", "expected
/// timeout but got FAIL (expectation: REASON)", "... remove the expectation (REASON)", a known
/// case's "N cases of [clause] matched /re/: REASON" and "passed this time; it fails
/// intermittently: REASON". A message the runner wrote without expectations has none.
std::vector<failure_cause> causes_in(const std::string& message);

}  // namespace startjoin::report_tool
