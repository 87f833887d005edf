// SIGINT and SIGTERM (a user's ^C, a CI job's cancel or timeout) end a run cleanly: the test in
// progress stops at its next wait, its session kills and reaps the driver's processes and
// removes its FIFOs as usual, every test not run is reported NOT RUN, the summary and the
// reports are written, and the runner exits 128 + the signal (130, 143).
#pragma once

#include <stdexcept>
#include <string>

namespace startjoin::conformance {

/// Installs the handlers; they only record the signal (waits are poll loops that see EINTR
/// and then ask cancelled()).
void install_cancellation();

/// The signal that cancelled the run, 0 while none has.
int cancellation_signal();
inline bool cancelled() { return cancellation_signal() != 0; }

/// "the run was interrupted by SIGINT".
std::string cancellation_reason();

/// What a wait throws once the run is cancelled; the report turns its marker into NOT RUN.
class run_cancelled : public std::runtime_error {
  public:
    run_cancelled() : std::runtime_error("[NOT RUN] " + cancellation_reason()) {}
};

/// Throws run_cancelled if the run is cancelled.
void throw_if_cancelled();

/// The exit status of a cancelled run: 128 + the signal.
int cancelled_exit_status();

}  // namespace startjoin::conformance
