#include "capture_limits.hpp"

#include <cstdio>
#include <cstdlib>

namespace startjoin::conformance {

std::size_t capture_limit() {
    static const std::size_t limit = [] {
        constexpr std::size_t fallback = 1 << 20;
        const char* text = std::getenv("STARTJOIN_CAPTURE_LIMIT");
        if (text == nullptr || *text == '\0') return fallback;
        char* end = nullptr;
        const unsigned long long value = std::strtoull(text, &end, 10);
        if (end == text || *end != '\0' || *text == '-' || value < 1024 || value > (1ULL << 34)) {
            std::fprintf(stderr,
                         "startjoin-conformance: STARTJOIN_CAPTURE_LIMIT='%s' is not a number of "
                         "bytes in [1024, 2^34]\n",
                         text);
            std::exit(2);
        }
        return static_cast<std::size_t>(value);
    }();
    return limit;
}

}  // namespace startjoin::conformance
