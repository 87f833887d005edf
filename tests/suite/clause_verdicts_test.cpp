// The clause verdicts made from tests' outcomes (report_model/verdicts.hpp): which test decides
// which clause. A property cites many clauses; when it fails, only the clause its failing check
// names is blamed, and a clause whose own tests were all skipped is SKIP whatever cites it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "verdicts.hpp"

namespace {

using namespace startjoin::conformance;

test_outcome outcome(const std::string& name, std::vector<std::string> clauses,
                     const std::string& status, std::map<std::string, std::string> by_clause = {},
                     const std::string& message = "") {
    test_outcome result;
    result.name = name;
    result.clauses = std::move(clauses);
    result.status = status;
    result.clause_statuses = std::move(by_clause);
    result.message = message;
    return result;
}

std::map<std::string, std::string> statuses(const std::vector<test_outcome>& outcomes,
                                            const std::vector<std::string>& spec) {
    std::map<std::string, std::string> result;
    for (const clause_verdict& verdict : clause_verdicts(outcomes, spec)) {
        result[verdict.id] = verdict.status;
    }
    return result;
}

const std::vector<std::string> spec = {"start.once", "exitcode.explicit", "close.after",
                                       "join.state"};

TEST(ClauseVerdicts, AFailingPropertyBlamesOnlyTheClauseItsCheckNamed) {
    const std::vector<test_outcome> outcomes = {
        outcome("Scenario.StartOnce", {"start.once"}, "PASS"),
        outcome("Scenario.ExitcodeExplicit", {"exitcode.explicit"}, "PASS"),
        outcome("Scenario.JoinState", {"join.state"}, "PASS"),
        outcome("Property.Model", {"start.once", "exitcode.explicit", "join.state"}, "FAIL",
                {{"exitcode.explicit", "FAIL"}}),
    };
    const auto verdicts = statuses(outcomes, spec);
    EXPECT_EQ(verdicts.at("exitcode.explicit"), "FAIL");
    EXPECT_EQ(verdicts.at("start.once"), "PASS");  // its own test passed; the model left it
    EXPECT_EQ(verdicts.at("join.state"), "PASS");
}

TEST(ClauseVerdicts, AFailureThatNamesNoClauseIsEveryCitedClauses) {
    const std::vector<test_outcome> outcomes = {
        outcome("Scenario.StartOnce", {"start.once"}, "PASS"),
        outcome("Property.Model", {"start.once", "join.state"}, "TIMEOUT"),
    };
    const auto verdicts = statuses(outcomes, spec);
    EXPECT_EQ(verdicts.at("start.once"), "TIMEOUT");
    EXPECT_EQ(verdicts.at("join.state"), "TIMEOUT");
}

TEST(ClauseVerdicts, AClauseWhoseOwnTestsWereSkippedIsSkipWhateverCitesIt) {
    const std::vector<test_outcome> outcomes = {
        outcome("Scenario.CloseAfter", {"close.after"}, "SKIP", {},
                "the driver does not declare feature 'close'"),
        outcome("Scenario.StartOnce", {"start.once"}, "PASS"),
        // A model that failed without naming a clause, and one that passed: neither used close.
        outcome("Property.Model", {"start.once", "close.after"}, "FAIL"),
        outcome("Property.Other", {"close.after", "join.state"}, "PASS"),
    };
    const auto verdicts = clause_verdicts(outcomes, spec);
    const auto close = std::find_if(verdicts.begin(), verdicts.end(),
                                    [](const clause_verdict& v) { return v.id == "close.after"; });
    ASSERT_NE(close, verdicts.end());
    EXPECT_EQ(close->status, "SKIP");
    EXPECT_EQ(close->reason, "the driver does not declare feature 'close'");
    EXPECT_EQ(statuses(outcomes, spec).at("start.once"), "FAIL");
}

TEST(ClauseVerdicts, OneOwnTestThatRanDecidesAsUsual) {
    // [join.state] has two examples; one needs a feature the driver lacks.
    const std::vector<test_outcome> outcomes = {
        outcome("Scenario.JoinState", {"join.state"}, "PASS"),
        outcome("Scenario.JoinState2", {"join.state"}, "SKIP", {}, "no join_timeout"),
        outcome("Property.Model", {"join.state", "start.once"}, "FAIL", {{"join.state", "FAIL"}}),
    };
    EXPECT_EQ(statuses(outcomes, spec).at("join.state"), "FAIL");
}

TEST(ClauseVerdicts, APropertyWithKnownCasesGivesTheirClausesXfailAndTheRestPass) {
    const std::vector<test_outcome> outcomes = {
        outcome("Property.Model", {"start.once", "exitcode.explicit", "join.state"}, "XFAIL",
                {{"start.once", "PASS"}, {"exitcode.explicit", "XFAIL"}, {"join.state", "PASS"}}),
    };
    const auto verdicts = clause_verdicts(outcomes, spec);
    const auto verdict = statuses(outcomes, spec);
    EXPECT_EQ(verdict.at("exitcode.explicit"), "XFAIL");
    EXPECT_EQ(verdict.at("start.once"), "PASS");
    EXPECT_EQ(verdicts[0].passed, 1);  // [start.once]: one test, and it says PASS of it
}

TEST(ClauseVerdicts, ClauseStatusesSurviveTheReportsJson) {
    const test_outcome before =
        outcome("Property.Model", {"start.once", "join.state"}, "FAIL", {{"join.state", "FAIL"}});
    const test_outcome after = test_outcome_from_json(to_json(before));
    EXPECT_EQ(after.clause_statuses, before.clause_statuses);
    EXPECT_FALSE(
        to_json(outcome("Scenario.StartOnce", {"start.once"}, "PASS")).contains("clause_statuses"));
}

}  // namespace
