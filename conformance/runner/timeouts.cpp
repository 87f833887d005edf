#include "timeouts.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace startjoin::conformance {

double timeout_multiplier() {
    static const double multiplier = [] {
        const char* text = std::getenv("STARTJOIN_TIMEOUT_MULTIPLIER");
        if (text == nullptr || *text == '\0') return 1.0;
        char* end = nullptr;
        const double value = std::strtod(text, &end);
        if (end == text || *end != '\0' || !(value > 0) || value > 1000) {
            std::fprintf(stderr,
                         "startjoin-conformance: STARTJOIN_TIMEOUT_MULTIPLIER='%s' is not a "
                         "number in (0, 1000]\n",
                         text);
            std::exit(2);
        }
        return value;
    }();
    return multiplier;
}

seconds scaled(seconds base) { return base * timeout_multiplier(); }

}  // namespace startjoin::conformance
