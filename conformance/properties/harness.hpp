// Property-based tests against the driver under test. Example tests show that a rule holds
// once; a property states the rule for a whole family of cases, and RapidCheck generates them
// (100 by default; RC_PARAMS="max_success=500" and the like override), searching for one that
// breaks it. A failing case is shrunk to a smallest one, which the test's failure message gives
// with the seed, the replay command and the case as a scenario, ready for tests/regressions/.
//
//     using Property = property_test;
//     STARTJOIN_TEST(Property, ArgumentsArriveExactly, "start.arguments") {
//         check_property("start.arguments", arguments_cases(),
//                        [](case_context& c, const arguments_case& a) {
//             c.scenario = ...;                  // the case in the scenario syntax
//             const std::string child = c.driver.create(..., {.handle = "p1"});
//             ...
//             if (event != expected) throw case_failed("start.arguments", "...");
//         });
//     }
//
// Time budgets keep a slow driver within ctest's limits: a property generates cases for at most
// 60 s and shrinks for at most 30 s (both times STARTJOIN_TIMEOUT_MULTIPLIER), all the rounds of
// its search for more deviations included (deviations.hpp); it says so when it stops early. The
// reference needs well under a second for all of a property's cases; a CPython driver takes 0.1-0.4
// s a case, bash 0.05 s.
//
// Every case runs on a driver of its own, which ends the way a program ends (`shutdown`) once
// the case is done, so its children's last events are in the history; then the whole history
// is checked against the ordering rules (ordering.hpp). A case thus sees nothing of another, a
// failing case cannot poison the next, and an ordering violation is shrunk like any other
// failure. (A shared driver is faster, but an implementation whose join() returns early leaves
// children running into the next case, whose verdict, and shrinking, they would then decide.)
#pragma once

#include <rapidcheck.h>

#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "deviations.hpp"
#include "fixture.hpp"

namespace startjoin::conformance::properties {

/// A rule that a case broke: the clause, and what was seen, in plain words.
class case_failed : public std::runtime_error {
  public:
    case_failed(std::string clause, const std::string& message)
        : std::runtime_error(message), clause_(std::move(clause)) {}
    const std::string& clause() const { return clause_; }

  private:
    std::string clause_;
};

/// What one case runs against, and what it tells about itself for a failure message.
struct case_context {
    session& driver;  ///< a driver of the case's own
    /// The case in the scenario syntax: the statements the case has run so far, or all of them.
    /// Printed, after shrinking, with the failure.
    std::vector<std::string> scenario;
    /// Whether a failure ("[clause] what went wrong") is a deviation already known (from the
    /// expectations) or found earlier in this run; if so, it is counted as seen. A check whose
    /// operation changed nothing (a wrong answer to a query) may then let the case go on, so
    /// that what comes after a common deviation is checked too.
    std::function<bool(const std::string&)> set_aside;
};

/// The fixture of the property tests. Its own session (conformance_test's) serves only the
/// handshake, and ends before the first case: one driver lives at a time, since ending one reaps
/// every descendant of the runner.
class property_test : public conformance_test {
  protected:
    /// Checks that `run` holds for every case of `cases`. `run` throws case_failed (or any error
    /// of the session) when the case breaks a rule; `clause` is cited when an error names none.
    template <class Case, class Run>
    void check_property(const std::string& clause, const rc::Gen<Case>& cases, Run run) {
        run_property([&] {
            const Case generated = *cases;
            run_case(clause, [&](case_context& context) { run(context, generated); });
        });
    }

    /// The same with the case generated inside `run` (the model-based test: rc::state).
    void check_property(const std::string& clause, const std::function<void(case_context&)>& run) {
        run_property([&] { run_case(clause, run); });
    }

    /// Runs one fixed case (a sweep over every exit code, say) with the same machinery, without
    /// RapidCheck: a failure fails the test with the case as a scenario.
    void run_fixed_case(const std::string& clause, const std::function<void(case_context&)>& body);

    /// The handshake of the driver under test.
    const hello_info& hello() { return driver().hello(); }

  private:
    /// A property reports at most this many distinct deviations in a run; past it, the driver
    /// is so far off that more would only bury the first ones.
    static constexpr std::size_t max_deviations = 10;

    void run_property(const std::function<void()>& property);
    /// Records the failure RapidCheck found and shrank in this round as a deviation.
    void record_deviation(const std::string& id, const rc::detail::TestParams& params,
                          const rc::detail::FailureResult& failure);
    /// Records every deviation (the fixed sweep's and the random ones) for the report.
    void record_deviations();
    /// Fails the test once per deviation found, blaming the clauses their checks named.
    void report_deviations(const std::string& id);
    void run_case(const std::string& clause, const std::function<void(case_context&)>& body);
    /// Runs a case on a fresh driver; returns the failure message (with the scenario and the
    /// history) if it broke a rule.
    std::optional<std::string> attempt(const std::string& clause,
                                       const std::function<void(case_context&)>& body);
    /// Counts `failure` as seen and returns true if it is a deviation found earlier in this run
    /// or one of the known cases.
    bool seen_before(const std::string& failure);
    /// Which of the test's known cases (expectations with a `case`) `failure` is, if any.
    std::optional<std::size_t> known_case_of(const std::string& failure) const;
    void load_known_cases();
    /// Records what the report needs to judge the known cases (reporting.cpp reads it back).
    void record_known_cases();

    // Shrinking stops when a case hung (each attempt would wait out a reply deadline) or its time
    // budget is spent: later runs pass at once, and the last case that failed is the result.
    enum class stop { no, hung, out_of_time } stopped_ = stop::no;
    clock::time_point started_, first_failure_;
    bool failed_ = false;
    int cases_run_ = 0, cases_skipped_ = 0;
    std::string last_failure_;              ///< the message of the last case that failed
    deviation_list deviations_;             ///< the distinct deviations this run found
    std::set<std::string> case_set_aside_;  ///< clauses of deviations the current case set aside
    /// The failure of the fixed sweep, if it failed: a deviation beside the random ones.
    std::optional<std::string> fixed_case_failure_;
    /// The adapter's known deviations for this test, and how many cases showed each.
    std::vector<const expected_failure*> known_;
    std::vector<int> known_seen_;
    bool known_loaded_ = false;
};

/// `end`: the parent program ends the way a program ends (session::finish()), so the console
/// is complete and every child has ended. Throws case_failed([parent-exit.joins]) if the driver
/// died of a signal instead. Does nothing the second time.
void end_program(case_context& context);

/// join(process) while the child is held on `gate`, released after a short observation window:
/// `join NAME releasing GATE` with a window short enough for hundreds of cases (any window is
/// correct; a wider one only catches slower violations). Returns whether join() returned while
/// the gate was still closed; throws case_failed if join() failed.
bool join_releasing_quickly(session& driver, const std::string& process, const std::string& gate);

/// Fails with [clause] unless the reply is ok; returns it.
reply expect_ok(const reply& answer, const std::string& clause, const std::string& call);

}  // namespace startjoin::conformance::properties
