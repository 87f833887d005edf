#include "run_seed.hpp"

#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>

namespace startjoin::conformance {

std::optional<std::string> seed_in(const std::string& rc_params) {
    std::istringstream words(rc_params);
    for (std::string word; words >> word;) {
        if (word.starts_with("seed=")) return word.substr(5);
    }
    return std::nullopt;
}

std::string random_seed() {
    std::random_device device;
    const std::uint64_t seed = (std::uint64_t{device()} << 32) | device();
    return std::to_string(seed);
}

std::string with_seed(const std::string& rc_params, const std::string& seed) {
    return (rc_params.empty() ? "" : rc_params + " ") + "seed=" + seed;
}

void fix_seed_for_expectations(bool has_expectations, bool random) {
    if (!has_expectations || random) return;
    const char* current = std::getenv("RC_PARAMS");
    const std::string params = current != nullptr ? current : "";
    if (seed_in(params)) return;
    ::setenv("RC_PARAMS", with_seed(params, seed_with_expectations).c_str(), 1);
}

}  // namespace startjoin::conformance
