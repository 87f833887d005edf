// Which spec clauses each conformance test checks. Every test declares them where it is
// defined (STARTJOIN_TEST), so the report can give a verdict per clause.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace startjoin::conformance {

/// Test full name ("Join.BlocksUntilChildEnds") -> clause IDs ("join.blocks"), without brackets.
const std::map<std::string, std::vector<std::string>>& clauses_by_test();

/// The spec section of a clause ID: "join" for "join.after-exit".
std::string section_of(const std::string& clause);

/// Records that test `test` checks `clauses` (tests registered at run time, like scenarios).
void add_clauses(const std::string& test, const std::vector<std::string>& clauses);

/// Records the clauses of one test at static-initialization time.
struct clause_registration {
    clause_registration(const char* test, std::initializer_list<const char*> clauses);
};

}  // namespace startjoin::conformance

/// Defines the test `suite.name` (suite is a fixture, usually an alias of conformance_test) and
/// declares the spec clauses it checks:
///     STARTJOIN_TEST(Join, BlocksUntilChildEnds, "join.blocks") { ... }
#define STARTJOIN_TEST(suite, name, ...)                                                        \
    static const ::startjoin::conformance::clause_registration startjoin_clauses_##suite##name( \
        #suite "." #name, {__VA_ARGS__});                                                       \
    TEST_F(suite, name)
