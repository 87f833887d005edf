// Where a test's wall time goes: every stretch of the runner's time is charged to exactly one
// phase, so the phases of a test add up to its wall time (`--profile`, and "profile" in the
// JSON report).
#pragma once

#include <array>
#include <string_view>

#include "timeouts.hpp"

namespace startjoin::conformance {

enum class phase {
    driver_start,  ///< launching the driver, or forking a case from its case server
    handshake,     ///< waiting for the driver's handshake
    commands,      ///< from sending a request to its reply
    events,        ///< waiting for a trace event or a child's end that decides a check
    windows,       ///< observation windows: watching for something that must not happen yet
    teardown,      ///< shutdown, killing and reaping every process of the test
    other,         ///< the runner's own work (generating cases, checking, reporting)
};
inline constexpr std::size_t phase_count = 7;

std::string_view phase_name(phase which);

/// Seconds spent in each phase since the last reset.
using phase_times = std::array<double, phase_count>;

/// The phase times of the running test (the runner runs one test at a time per process).
phase_times current_phase_times();
/// Starts a new account, charged to `other` until a scope says otherwise.
void reset_phase_times();

/// Charges the time from its construction to its destruction to `which`; a nested scope takes
/// its own time out of the enclosing one, so nothing is counted twice.
class phase_scope {
  public:
    explicit phase_scope(phase which);
    ~phase_scope();
    phase_scope(const phase_scope&) = delete;
    phase_scope& operator=(const phase_scope&) = delete;

  private:
    phase outer_;
};

}  // namespace startjoin::conformance
