#include "shell_status.hpp"

#include <fmt/format.h>

namespace startjoin::conformance::properties {

std::string shell_status_note(std::optional<int> reported, int code) {
    // Any code above 128, not only those of real signals: a parent that reads the status this
    // way applies the rule blindly (exit 224 reads as "signal 96").
    if (!reported || code <= 128 || *reported != 128 - code) {
        return "";
    }
    return fmt::format(
        " ({} is exit {} read as a shell reads its status, where 128+S means death by signal S)",
        *reported, code);
}

}  // namespace startjoin::conformance::properties
