// process_error, error_kind names and exit_target(): the error vocabulary of the contract.
#include <stdexcept>
#include <string>

#include "startjoin/process.hpp"

namespace startjoin {

const char* to_string(error_kind kind) noexcept {
    switch (kind) {
        case error_kind::invalid_state:
            return "invalid_state";
        case error_kind::closed:
            return "closed";
        case error_kind::system:
            return "system";
    }
    return "unknown";  // Only reachable through a cast from an out-of-range integer.
}

process_error::process_error(error_kind kind, const std::string& message)
    : std::runtime_error(message), kind_(kind) {}

void exit_target(int code) {
    // Checked here, in the target, so the mistake surfaces as an uncaught exception with a
    // diagnostic (exit code 1) instead of _exit() silently keeping the low 8 bits.
    if (code < 0 || code > 255)
        throw std::invalid_argument("exit_target(" + std::to_string(code) +
                                    "): an exit code must be in 0..255");
    throw exit_request(code);
}

}  // namespace startjoin
