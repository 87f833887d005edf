// --suggest-expectations FILE: after a run, an expectations file (README, "Adapters") that
// covers every deviation the run found, ready for the user to fill in the causes. Until they
// do, the runner refuses it: a cause is what an expectation is for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "outcome.hpp"

namespace startjoin::conformance {

/// What a suggested entry's "reason" starts with until the user writes the real cause; the
/// runner refuses an expectations file with one (expectations::read).
inline constexpr const char* cause_placeholder = "TODO: the cause";

/// The expectations file, as JSON text: the entries of `current` (the file in use, if any)
/// except those of tests that passed unexpectedly, then one entry per failure no expectation
/// covered: a failing property gives one known case per deviation (its clause, and a `case`
/// pattern made of what went wrong, numbers and handles generalized), any other failing test
/// one entry with its mode. Each new entry's reason is the placeholder and what was observed.
std::string suggested_expectations(const std::vector<test_outcome>& outcomes,
                                   const std::optional<std::string>& current);

/// A regular expression (ECMAScript) that matches `what` and the same failure with other
/// numbers and process handles: what --suggest-expectations writes as a known case's `case`.
std::string case_pattern_for(const std::string& what);

}  // namespace startjoin::conformance
