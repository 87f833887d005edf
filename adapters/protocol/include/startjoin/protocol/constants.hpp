// Fixed names of the protocol (spec/protocol.md), shared by the runner and the C++ drivers.
#pragma once

namespace startjoin::protocol {

/// The newest protocol version (2 added case servers) and the oldest the runner still speaks.
inline constexpr int version = 2;
inline constexpr int oldest_version = 1;

/// Requests travel runner -> driver on this descriptor, replies driver -> runner on the other.
inline constexpr int request_fd = 3;
inline constexpr int reply_fd = 4;

/// Environment variables the runner sets for the driver and that every child inherits.
inline constexpr const char* trace_env = "STARTJOIN_TRACE";
inline constexpr const char* gates_env = "STARTJOIN_GATES";

}  // namespace startjoin::protocol
