#include "profile_applicability.hpp"

#include "clauses.hpp"
#include "fixture.hpp"

namespace startjoin::conformance {

bool is_known_profile(const std::string& profile) {
    return profile == "process" || profile == "thread";
}

std::optional<std::string> profile_mismatch(const std::string& test, const std::string& profile) {
    if (profile == "process") return std::nullopt;  // the whole contract
    const auto found = clauses_by_test().find(test);
    if (found == clauses_by_test().end()) return std::nullopt;
    for (const std::string& id : found->second) {
        const spec_clause* clause = current_spec().find(id);
        if (clause != nullptr && clause->process_only) {
            return "clause [" + id +
                   "] applies to the process profile only; the driver declares profile " + profile;
        }
    }
    return std::nullopt;
}

}  // namespace startjoin::conformance
