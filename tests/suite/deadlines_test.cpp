// The runner's deadline arithmetic: spans from drivers and generators (join(timeout=1e300))
// saturate instead of wrapping around the clock, and poll() is never given a wait that
// overflows its int.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <limits>

#include "timeouts.hpp"

namespace startjoin::conformance {
namespace {

constexpr double year = 365.0 * 24 * 3600;

TEST(Deadlines, AnOrdinarySpanIsAddedExactly) {
    const clock::time_point from = clock::now();
    EXPECT_EQ(later(from, seconds(1.5)) - from, std::chrono::milliseconds(1500));
    EXPECT_EQ(later(from, seconds(-0.25)) - from, std::chrono::milliseconds(-250));
}

TEST(Deadlines, ASpanBeyondTheClocksRangeIsACenturyNotAMomentInThePast) {
    const clock::time_point from = clock::now();
    for (const double huge : {1e10, 1e300, std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN()}) {
        const clock::time_point end = later(from, seconds(huge));
        EXPECT_GT(end, from + std::chrono::hours(24 * 365 * 99)) << huge;
        EXPECT_GT(poll_timeout(end), 0) << huge;
    }
    const clock::time_point past = later(from, seconds(-1e300));
    EXPECT_LT(past, from - std::chrono::hours(24 * 365 * 99));
    EXPECT_NEAR(std::chrono::duration<double>(later(from, seconds(1e300)) - from).count(),
                100 * year, 1.0);
}

TEST(Deadlines, PollWaitsAtMostItsIntAndNothingOnceTheDeadlineHasPassed) {
    EXPECT_EQ(poll_timeout(later(clock::now(), seconds(1e300))), INT_MAX);
    EXPECT_EQ(poll_timeout(later(clock::now(), seconds(-1))), 0);
    const int second = poll_timeout(later(clock::now(), seconds(1)));
    EXPECT_GT(second, 0);
    EXPECT_LE(second, 1000);
}

}  // namespace
}  // namespace startjoin::conformance
