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
    if (!outcome.clause_statuses.empty()) entry["clause_statuses"] = outcome.clause_statuses;
    for (const auto& [clause, what] : outcome.deviations) {
        entry["deviations"].push_back({{"clause", clause}, {"what", what}});
    }
    if (!outcome.profile.is_null()) entry["profile"] = outcome.profile;
    return entry;
}

test_outcome test_outcome_from_json(const nlohmann::json& entry) {
    test_outcome outcome;
    outcome.name = entry.at("name").get<std::string>();
    outcome.clauses = entry.at("clauses").get<std::vector<std::string>>();
    outcome.status = entry.at("status").get<std::string>();
    outcome.message = entry.at("message").get<std::string>();
    outcome.clause_statuses = entry.value("clause_statuses", std::map<std::string, std::string>());
    for (const nlohmann::json& deviation : entry.value("deviations", nlohmann::json::array())) {
        outcome.deviations.emplace_back(deviation.at("clause").get<std::string>(),
                                        deviation.at("what").get<std::string>());
    }
    outcome.profile = entry.value("profile", nlohmann::json());
    outcome.seconds = entry.value("seconds", 0.0);
    return outcome;
}

}  // namespace startjoin::conformance
