// An adapter's known failures: each names a test or a clause, how it fails (fail, timeout,
// crash) and the real cause. A matching failure is XFAIL; a pass is XPASS, which fails the run,
// so expectations never go stale.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace startjoin::conformance {

struct expected_failure {
    std::string test;  ///< "Suite.Name", or empty when `clause` is set
    /// Every test citing one of these clauses, or empty when `test` is set (unless `case_text`
    /// is: then the clauses its cases break, any of them). One root cause often shows under
    /// several clause IDs, so an entry may name several.
    std::vector<std::string> clauses;
    /// Whether `clause` is one of `clauses`.
    bool names(const std::string& clause) const;
    /// The clauses as "[a], [b]", for messages.
    std::string clause_list() const;
    std::string mode;    ///< "FAIL", "TIMEOUT" or "CRASH"
    std::string reason;  ///< the real cause
    std::string link;    ///< the implementation's own bug report, if there is one
    /// A race inside the implementation: it fails in `mode` on some runs only. A failure is
    /// XFAIL, a pass stays PASS (never XPASS), so the run is exact however the race goes.
    bool intermittent = false;
    /// Set on an entry for a property test, with `clause`: a case of the property that breaks
    /// that clause with a failure (what went wrong) in which this regular expression (ECMAScript)
    /// finds a match is this known deviation. The case is set aside and the property searches
    /// on, so a known deviation does not hide an unknown one. The test is XFAIL when the property
    /// held apart from such cases, XPASS when no case showed the deviation.
    std::string case_text;
    std::regex case_pattern;  ///< case_text, compiled
};

class expectations {
  public:
    /// Reads a JSON array of {"test" | "clause", "mode", "reason", optional "link"}. Throws
    /// std::runtime_error naming the file, the entry and what is wrong.
    static expectations read(const std::string& path);

    /// The expectation for test `name`, which cites `clauses`: one naming the test wins over one
    /// naming a clause. Entries with a `case` are not whole-test expectations: see known_cases.
    const expected_failure* find(const std::string& name,
                                 const std::vector<std::string>& clauses) const;

    /// The entries with a `case` for property test `name`, in the file's order.
    std::vector<const expected_failure*> known_cases(const std::string& name) const;

    /// Entries whose test does not exist or whose clause no test cites: stale, so an error.
    std::vector<std::string> unmatched(const std::vector<std::string>& test_names,
                                       const std::vector<std::string>& cited_clauses) const;

    bool empty() const { return entries_.empty(); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::vector<expected_failure> entries_;
};

/// `status` with `expectation` applied: XFAIL when the failure is the expected one, XPASS when
/// the test passed; otherwise `status` itself. `message` gains what the expectation says.
std::string apply_expectation(const expected_failure& expectation, const std::string& status,
                              std::string& message);

/// How often each known case (expectations::known_cases, same order) was seen in a property's
/// run, and whether the property ran every case it meant to (its time budget may cut it short).
struct known_case_tally {
    std::vector<int> seen;
    bool ran_every_case = true;
};

/// The test properties (gtest's RecordProperty) through which a property test tells the report
/// its tally: the counts, comma-separated, and "yes" or "no".
inline constexpr const char* known_cases_seen_key = "known_cases_seen";
/// The property recording how many generated cases a property ran.
inline constexpr const char* cases_run_key = "cases_run";
inline constexpr const char* ran_every_case_key = "ran_every_case";
/// The property recording a failing property's deviations: a JSON array of [clause, what].
inline constexpr const char* deviations_key = "deviations";

/// `status` of a property with known cases applied: a property that held apart from them is
/// XFAIL when every known case was seen, XPASS when one was not (although every case ran) and is
/// not intermittent; any other status stays. `message` gains what was set aside and why, and
/// `clause_statuses` the clauses of the known cases: XFAIL for one seen, XPASS for one stale.
std::string apply_known_cases(const std::vector<const expected_failure*>& known,
                              const known_case_tally& tally, const std::string& status,
                              std::string& message,
                              std::map<std::string, std::string>& clause_statuses);

}  // namespace startjoin::conformance
