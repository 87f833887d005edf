#include "outcome.hpp"

namespace startjoin::conformance {

bool is_failure(const std::string& status) {
    return status == "FAIL" || status == "TIMEOUT" || status == "CRASH" || status == "BROKEN" ||
           status == "XPASS";
}

int exit_status_of(const std::vector<test_outcome>& outcomes) {
    for (const test_outcome& outcome : outcomes) {
        if (is_failure(outcome.status)) return 1;
    }
    return 0;
}

nlohmann::json to_json(const test_outcome& outcome) {
    nlohmann::json entry = {{"name", outcome.name},
                            {"clauses", outcome.clauses},
                            {"status", outcome.status},
                            {"message", outcome.message},
                            {"seconds", outcome.seconds}};
    if (!outcome.profile.is_null()) entry["profile"] = outcome.profile;
    return entry;
}

test_outcome test_outcome_from_json(const nlohmann::json& entry) {
    return {entry.at("name").get<std::string>(),
            entry.at("clauses").get<std::vector<std::string>>(),
            entry.at("status").get<std::string>(),
            entry.at("message").get<std::string>(),
            entry.value("profile", nlohmann::json()),
            entry.value("seconds", 0.0)};
}

}  // namespace startjoin::conformance
