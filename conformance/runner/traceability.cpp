#include "traceability.hpp"

#include <gtest/gtest.h>

#include <set>

#include "clauses.hpp"
#include "scenario.hpp"

namespace startjoin::conformance {

std::vector<std::string> traceability_problems(const spec_document& document) {
    std::vector<std::string> problems;
    for (const located_error& problem : document.problems) problems.push_back(problem.what());
    for (const scenario_block& block : document.scenarios) {
        try {
            parse_scenario(block);
        } catch (const located_error& problem) {
            problems.push_back(problem.what());
        }
    }
    // A test that declares nothing (a plain TEST_F instead of STARTJOIN_TEST) checks no clause.
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
        const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
        if (std::string(suite.name()) == "SpecProblem") continue;  // already reported above
        for (int t = 0; t < suite.total_test_count(); ++t) {
            const std::string name = std::string(suite.name()) + "." + suite.GetTestInfo(t)->name();
            if (!clauses_by_test().contains(name)) {
                problems.push_back("test " + name +
                                   " declares no clause (define it with STARTJOIN_TEST)");
            }
        }
    }
    std::set<std::string> checked;
    for (const auto& [test, clauses] : clauses_by_test()) {
        if (clauses.empty()) problems.push_back("test " + test + " cites no clause");
        for (const std::string& clause : clauses) {
            if (document.find(clause) == nullptr) {
                problems.push_back("test " + test + " cites [" + clause +
                                   "], which the spec does not define");
            }
            checked.insert(clause);
        }
    }
    for (const spec_clause& clause : document.clauses) {
        if (!checked.contains(clause.id)) {
            problems.push_back(clause.file + ":" + std::to_string(clause.line) + ": clause [" +
                               clause.id + "] is checked by no test and no scenario");
        }
    }
    return problems;
}

}  // namespace startjoin::conformance
