// The driver's side of the protocol: handshake, then one reply per request until shutdown; with
// protocol 2, a case server that forks a fresh driver per test case (spec/protocol.md).
#pragma once

#include <functional>

#include "startjoin/adapter/implementation.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::adapter {

struct serve_options {
    /// The protocol version the handshake declares: 2 (the default) adds feature `cases`; 1
    /// serves as an old driver does, for tests that keep such drivers working.
    int protocol = startjoin::protocol::version;
    /// Runs in the case server before it forks each case parent. A seam for mutants only: a
    /// real server does nothing between cases.
    std::function<void()> before_case_fork;
    /// Runs first thing in each case parent, once its channels are the case's: for drivers
    /// that remember their own pid (a case parent's differs from the server's).
    std::function<void()> in_case_parent;
};

/// Serves `impl` on fds 3 (requests) and 4 (replies) until a `shutdown` request or end of file
/// on fd 3. Process objects are destroyed when serve() returns, before the caller's main
/// returns, so the implementation's end-of-program behaviour (joining children) runs as it would
/// in a user's program. Returns the driver's exit status: 0, or 2 when fd 3 or fd 4 fails.
/// A driver that declares `cases` serves every case in a fresh fork of itself when the first
/// request is `case`, and serve() then returns in each case parent when its case ends.
int serve(implementation& impl, const serve_options& options = {});

/// Reads `--protocol N` (1 or 2) from a driver's command line into `options`; false, with a
/// message on stderr, for anything else.
bool parse_serve_arguments(int argc, char** argv, serve_options& options);

}  // namespace startjoin::adapter
