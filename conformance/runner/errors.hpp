// Why a test could not go on. Each message names the driver and quotes what it sent; the
// report turns the marker at its start into a status.
#pragma once

#include <stdexcept>
#include <string>

namespace startjoin::conformance {

/// The driver broke the protocol (a malformed line, a wrong id) or died: no verdict on the
/// implementation can be given. Reported as BROKEN.
class driver_error : public std::runtime_error {
  public:
    explicit driver_error(const std::string& message) : std::runtime_error("[BROKEN] " + message) {}
};

/// The driver command could not be run at all: /bin/sh found no such program (exit 127) or
/// could not execute it (exit 126) before any handshake. A setup mistake on the command line,
/// not a verdict on anything: the runner stops before its tests with exit 2. Everywhere else it
/// is a driver_error (BROKEN), which it is.
class driver_not_runnable : public driver_error {
  public:
    explicit driver_not_runnable(const std::string& message) : driver_error(message) {}
};

/// The driver died after its handshake, while the runner waited for it: the implementation
/// crashed (a signal, an unexpected exit). Reported as CRASH.
class driver_crash : public std::runtime_error {
  public:
    explicit driver_crash(const std::string& message) : std::runtime_error("[CRASH] " + message) {}
};

/// The driver did not answer in time: the implementation hangs (a join that never returns, a
/// start that waits for its child). Reported as TIMEOUT.
class driver_timeout : public std::runtime_error {
  public:
    explicit driver_timeout(const std::string& message)
        : std::runtime_error("[TIMEOUT] " + message) {}
};

/// The implementation refused an operation the test needed to succeed. Reported as FAIL.
class operation_refused : public std::runtime_error {
  public:
    explicit operation_refused(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace startjoin::conformance
