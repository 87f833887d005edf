// The run as JUnit XML (--report-junit), the form CI systems (GitHub Actions reporters, GitLab,
// Jenkins) read: one <testsuite> per spec section, one <testcase> per test.
#pragma once

#include <string>
#include <vector>

#include "reporting.hpp"

namespace startjoin::conformance {

/// The JUnit XML document of `outcomes`. A test belongs to the section of the first clause it
/// cites ("uncited" if none); sections come in the spec's order. PASS and XFAIL pass (XFAIL with
/// the property startjoin.status and the expectation's reason in <system-out>); FAIL, TIMEOUT,
/// CRASH and XPASS are <failure>s, BROKEN an <error>, SKIP and NOT RUN <skipped>.
std::string junit_report(const std::vector<test_outcome>& outcomes);

}  // namespace startjoin::conformance
