// A shell folds death by signal S into its exit status as 128+S, so a parent that reads its
// child's status the way a shell does takes `exit 129` for death by SIGHUP, and reports -1. The
// failures this causes say so, for whoever reads them and for an adapter's expectations, which
// match a known deviation by its words.
#pragma once

#include <optional>
#include <string>

namespace startjoin::conformance::properties {

/// " (-1 is exit 129 read as a shell reads its status: ...)" when `reported` is exit `code`
/// read that way (any code above 128); otherwise "".
std::string shell_status_note(std::optional<int> reported, int code);

}  // namespace startjoin::conformance::properties
