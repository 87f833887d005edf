#include "cancellation.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>

namespace startjoin::conformance {
namespace {

volatile sig_atomic_t received = 0;

void record(int signal) {
    if (received == 0) received = signal;
}

}  // namespace

void install_cancellation() {
    struct sigaction action {};
    action.sa_handler = record;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked wait returns EINTR and looks
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

int cancellation_signal() { return received; }

std::string cancellation_reason() {
    const int signal = cancellation_signal();
    return fmt::format("the run was interrupted by {}", signal == SIGINT    ? "SIGINT"
                                                        : signal == SIGTERM ? "SIGTERM"
                                                                            : ::strsignal(signal));
}

void throw_if_cancelled() {
    if (cancelled()) throw run_cancelled();
}

int cancelled_exit_status() { return 128 + cancellation_signal(); }

}  // namespace startjoin::conformance
