// startjoin-report diff on outcomes built in memory: each change lands in the right list, and
// only a test that now fails and did not before counts as a regression.
#include <gtest/gtest.h>

#include "diff.hpp"

namespace {

using namespace startjoin::report_tool;
using startjoin::conformance::test_outcome;

test_outcome outcome(const std::string& name, const std::string& status) {
    test_outcome result;
    result.name = name;
    result.status = status;
    return result;
}

std::vector<std::string> names(const std::vector<status_change>& changes) {
    std::vector<std::string> result;
    for (const status_change& change : changes) result.push_back(change.test);
    return result;
}

TEST(ReportDiff, SortsEveryKindOfChange) {
    const report_diff diff = diff_tests(
        {outcome("A.Pass", "PASS"), outcome("A.Xfail", "XFAIL"), outcome("A.Fail", "FAIL"),
         outcome("A.Timeout", "TIMEOUT"), outcome("A.Skip", "SKIP"), outcome("A.Gone", "PASS"),
         outcome("A.Same", "PASS")},
        {outcome("A.Pass", "CRASH"), outcome("A.Xfail", "XPASS"), outcome("A.Fail", "PASS"),
         outcome("A.Timeout", "FAIL"), outcome("A.Skip", "PASS"), outcome("A.Same", "PASS"),
         outcome("A.NewPass", "PASS"), outcome("A.NewFail", "BROKEN")});
    EXPECT_EQ(names(diff.regressions),
              (std::vector<std::string>{"A.Pass", "A.Xfail", "A.NewFail"}));
    EXPECT_EQ(names(diff.fixed), std::vector<std::string>{"A.Fail"});
    EXPECT_EQ(names(diff.changed), (std::vector<std::string>{"A.Timeout", "A.Skip"}));
    EXPECT_EQ(names(diff.added), std::vector<std::string>{"A.NewPass"});
    EXPECT_EQ(names(diff.removed), std::vector<std::string>{"A.Gone"});
    EXPECT_TRUE(diff.has_regression());
}

TEST(ReportDiff, IdenticalReportsHaveNoChange) {
    const std::vector<test_outcome> tests = {outcome("A.Fail", "FAIL"), outcome("A.Pass", "PASS")};
    const report_diff diff = diff_tests(tests, tests);
    EXPECT_FALSE(diff.has_regression());
    EXPECT_TRUE(diff.fixed.empty() && diff.changed.empty() && diff.added.empty() &&
                diff.removed.empty());
    EXPECT_EQ(diff_text(diff), "0 regressions, 0 fixed, 0 other changes, 0 added, 0 removed\n");
}

TEST(ReportDiff, StillFailingIsNoRegression) {
    const report_diff diff = diff_tests({outcome("A.B", "FAIL")}, {outcome("A.B", "CRASH")});
    EXPECT_FALSE(diff.has_regression());
    EXPECT_EQ(names(diff.changed), std::vector<std::string>{"A.B"});
}

TEST(ReportDiff, TextListsRegressionsFirst) {
    const report_diff diff = diff_tests({outcome("A.Fixed", "FAIL"), outcome("A.Broke", "PASS")},
                                        {outcome("A.Fixed", "PASS"), outcome("A.Broke", "FAIL")});
    EXPECT_EQ(diff_text(diff),
              "regressions (1):\n"
              "  A.Broke: PASS -> FAIL\n"
              "fixed (1):\n"
              "  A.Fixed: FAIL -> PASS\n"
              "1 regressions, 1 fixed, 0 other changes, 0 added, 0 removed\n");
}

TEST(ReportDiff, NewFailingTestShowsAsAbsentBefore) {
    const report_diff diff = diff_tests({}, {outcome("A.New", "FAIL")});
    EXPECT_NE(diff_text(diff).find("  A.New: (absent) -> FAIL\n"), std::string::npos);
}

}  // namespace
