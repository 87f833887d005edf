// The case server of protocol 2 (spec/protocol.md, "Cases"): the driver process waits for
// `case` requests and forks, for each, a fresh copy of itself that serves one test case.
#pragma once

#include <functional>
#include <string>

#include "fd_io.hpp"

namespace startjoin::adapter::detail {

/// Whether `line` is a `case` request: the first request decides whether the driver serves
/// cases or is an ordinary driver.
bool is_case_request(const std::string& line);

/// Answers `first` and every later request on `requests` as a case server. Returns true in a
/// case parent, whose fds 1 to 4 and environment are the case's by then; false in the server
/// once it ends (`shutdown`, or end of file on fd 3). `before_fork` runs in the server before
/// each fork (a test seam).
bool serve_cases(line_reader& requests, const std::string& first,
                 const std::function<void()>& before_fork);

}  // namespace startjoin::adapter::detail
