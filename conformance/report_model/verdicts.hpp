// The verdict per spec clause, made from the tests' outcomes. The runner computes it for its
// summary and reports; startjoin-report recomputes it for a merged report: one set of rules,
// so a merged report says what a single run over the same tests would have said.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "outcome.hpp"

namespace startjoin::conformance {

/// One clause's verdict: its worst test's status (UNDEFINED for a clause the spec lacks), how
/// many of its tests passed, and why it was skipped.
struct clause_verdict {
    std::string id;
    std::string status;
    int passed = 0;
    std::vector<const test_outcome*> tests;  ///< into the outcomes it was made from
    std::string reason;
};

/// The verdict of every clause of `spec_clauses` (the spec's clause ids, in its order), then of
/// any clause a test cites that the spec lacks (UNDEFINED), in name order.
std::vector<clause_verdict> clause_verdicts(const std::vector<test_outcome>& outcomes,
                                            const std::vector<std::string>& spec_clauses);

/// The report's "clauses" array: {"id", "status", "tests", and "reason" when skipped}.
nlohmann::json clauses_json(const std::vector<clause_verdict>& verdicts);

/// The report's "totals": how many tests and clauses ended in each status.
nlohmann::json totals_json(const std::vector<test_outcome>& outcomes,
                           const std::vector<clause_verdict>& verdicts);

}  // namespace startjoin::conformance
