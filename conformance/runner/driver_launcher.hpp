// Where each session's driver comes from. A protocol 1 driver is started afresh for every
// session (`/bin/sh -c COMMAND`). A driver whose handshake declares `cases` (protocol 2) is
// started once more, as a case server, and every later session gets a case parent forked from
// it: a fresh copy of the program for the cost of a fork (spec/protocol.md, "Cases").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver_process.hpp"
#include "fifo_dir.hpp"

namespace startjoin::conformance {

/// The environment a driver of `fifos` gets: the runner's own, less what would change the
/// behaviour under test, plus the paths of the FIFOs.
std::vector<std::string> driver_environment(const fifo_dir& fifos);

/// A driver process for a new session of `command`, talking through `fifos`. Throws
/// driver_error when a case server fails to fork a case.
std::unique_ptr<driver_process> launch_driver(const std::string& command, fifo_dir& fifos);

/// What a handshake of `command` from a driver that launch_driver() started afresh said:
/// whether later sessions may be forked from a case server.
void note_serves_cases(const std::string& command, bool serves_cases);

/// Whether sessions of `command` are forked from a case server.
bool uses_case_server(const std::string& command);

/// Ends every case server (at the end of the run; a server is spared from the reaping that
/// ends each test).
void stop_case_servers();

}  // namespace startjoin::conformance
