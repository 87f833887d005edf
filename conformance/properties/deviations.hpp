// The distinct deviations one run of a property finds. A property searches on after a failing
// case: the failure is recorded, later cases (and shrinking steps) that fail the same way are set
// aside, and RapidCheck starts again on new cases, until the property's cases or its time are
// spent. So one run lists every distinct way the driver breaks the property, each once and each
// shrunk, instead of one per run.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace startjoin::conformance::properties {

/// What makes two failures the same deviation: the clause they break and the first line of what
/// went wrong, with the numbers (pids, times, exit codes, counts) and process handles (p1, p2)
/// taken out. "exitcode(p1)
/// answered 0; the model expects none" and "exitcode(p3) answered 0; the model expects none"
/// are one deviation; "... expects 3" is another, and so is the same text under another clause.
std::string deviation_signature(const std::string& failure);

/// One deviation found: its signature, the clause its failing check named, its report (the
/// shrunk case, the seed and the replay command), and how many generated cases showed it.
struct found_deviation {
    std::string signature;
    std::optional<std::string> clause;
    std::string what;  ///< what went wrong, "[clause] ...", without the case's transcript
    std::string report;
    int cases = 1;
};

/// The deviations found so far in a run, in the order found.
class deviation_list {
  public:
    /// The deviation `failure` is an instance of, if it was found before.
    found_deviation* find(const std::string& failure);
    void add(found_deviation deviation) { found_.push_back(std::move(deviation)); }
    const std::vector<found_deviation>& all() const { return found_; }
    bool empty() const { return found_.empty(); }

  private:
    std::vector<found_deviation> found_;
};

}  // namespace startjoin::conformance::properties
