// The link between the spec and the tests: every clause is checked by something, and nothing
// cites a clause the spec does not define.
#pragma once

#include <string>
#include <vector>

#include "spec_document.hpp"

namespace startjoin::conformance {

/// Every broken link, as a message naming the place: a test or scenario citing an undefined
/// clause, a clause that no test or scenario checks, a problem of the spec document, a
/// scenario that does not parse. Call after every test is registered.
std::vector<std::string> traceability_problems(const spec_document& document);

}  // namespace startjoin::conformance
