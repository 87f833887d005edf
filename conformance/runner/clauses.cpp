#include "clauses.hpp"

namespace startjoin::conformance {
namespace {
std::map<std::string, std::vector<std::string>>& registry() {
    static std::map<std::string, std::vector<std::string>> tests;  // built before main() runs
    return tests;
}
}  // namespace

const std::map<std::string, std::vector<std::string>>& clauses_by_test() { return registry(); }

std::string section_of(const std::string& clause) { return clause.substr(0, clause.find('.')); }

void add_clauses(const std::string& test, const std::vector<std::string>& clauses) {
    auto& ids = registry()[test];
    ids.insert(ids.end(), clauses.begin(), clauses.end());
}

clause_registration::clause_registration(const char* test,
                                         std::initializer_list<const char*> clauses) {
    auto& ids = registry()[test];
    for (const char* clause : clauses) ids.emplace_back(clause);
}

}  // namespace startjoin::conformance
