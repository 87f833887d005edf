// The happens-before rules of spec/start-join.md, checked over the whole history of a test:
// every trace event, every return of a parent operation and every release of a gate, in
// arrival order (session::history()). Example tests check the order of the events they name;
// this checks every event against every rule, for every test, scenario and property case.
//
//     const auto violations = check_ordering(driver.history(), driver.scripts());
//     if (!violations.empty()) ADD_FAILURE() << explain(violations) << driver.transcript();
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "session.hpp"
#include "startjoin/protocol/script.hpp"

namespace startjoin::conformance {

/// One broken rule: two entries of the history in an order, or with results, that the clause
/// forbids. Positions are indices into the history (the transcript numbers them from 1).
struct ordering_violation {
    std::string clause;    ///< "join.after-exit", or "protocol.gates" for a driver's own fault
    std::size_t earlier;   ///< the entry that arrived first...
    std::size_t later;     ///< ...and the one that arrived after it, which the rule forbids
    std::string sentence;  ///< plain words naming both entries and what the rule demands
};

/// Checks `history` against every rule (see ordering.cpp for the list). `scripts` (handle ->
/// script, as session::scripts() gives it) lets the checker know which events a child can only
/// record after passing a gate; without it those rules are skipped. Reports at most one
/// violation per rule and process, the first in arrival order.
std::vector<ordering_violation> check_ordering(
    const std::vector<history_entry>& history,
    const std::map<std::string, protocol::script>& scripts = {});

/// The violations as a message: one paragraph each, "[clause] entry N `...` ... entry M `...`".
std::string explain(const std::vector<ordering_violation>& violations);

}  // namespace startjoin::conformance
