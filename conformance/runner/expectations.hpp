// An adapter's known failures: each names a test or a clause, how it fails (fail, timeout,
// crash) and the real cause. A matching failure is XFAIL; a pass is XPASS, which fails the run,
// so expectations never go stale.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace startjoin::conformance {

struct expected_failure {
    std::string test;    ///< "Suite.Name", or empty when `clause` is set
    std::string clause;  ///< every test citing this clause, or empty when `test` is set
    std::string mode;    ///< "FAIL", "TIMEOUT" or "CRASH"
    std::string reason;  ///< the real cause
    std::string link;    ///< the implementation's own bug report, if there is one
    /// A race inside the implementation: it fails in `mode` on some runs only. A failure is
    /// XFAIL, a pass stays PASS (never XPASS), so the run is exact however the race goes.
    bool intermittent = false;
};

class expectations {
  public:
    /// Reads a JSON array of {"test" | "clause", "mode", "reason", optional "link"}. Throws
    /// std::runtime_error naming the file, the entry and what is wrong.
    static expectations read(const std::string& path);

    /// The expectation for test `name`, which cites `clauses`: one naming the test wins over one
    /// naming a clause.
    const expected_failure* find(const std::string& name,
                                 const std::vector<std::string>& clauses) const;

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

}  // namespace startjoin::conformance
