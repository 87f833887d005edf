// The driver's side of protocol v1: handshake, then one reply per request until shutdown.
#pragma once

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter {

/// Serves `impl` on fds 3 (requests) and 4 (replies) until a `shutdown` request or end of file
/// on fd 3. Process objects are destroyed when serve() returns, before the caller's main
/// returns, so the implementation's end-of-program behaviour (joining children) runs as it would
/// in a user's program. Returns the driver's exit status: 0, or 2 when fd 3 or fd 4 fails.
int serve(implementation& impl);

}  // namespace startjoin::adapter
