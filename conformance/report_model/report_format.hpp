// The identity of the JSON report format (--report-json), written as its top-level "format"
// object and checked by every reader (startjoin-report). Any change a reader could notice (a
// field removed, renamed or given another meaning; a new status) bumps the version, and
// spec/report.schema.json changes with it. Version 1 was the unversioned report before 0.2.0.
#pragma once

namespace startjoin::conformance {

inline constexpr const char* report_format_name = "startjoin-report";
inline constexpr int report_format_version = 2;

}  // namespace startjoin::conformance
