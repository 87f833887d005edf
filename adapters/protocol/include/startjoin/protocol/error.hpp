// The error a malformed message or script raises, with the protocol's error kind.
#pragma once

#include <stdexcept>
#include <string>

namespace startjoin::protocol {

/// A message or script that breaks spec/protocol.md. `kind` is a protocol error kind
/// ("bad_request" or "unsupported"); the message names what was wrong and where.
class protocol_error : public std::runtime_error {
  public:
    protocol_error(std::string kind, const std::string& message)
        : std::runtime_error(message), kind_(std::move(kind)) {}
    const std::string& kind() const noexcept { return kind_; }

  private:
    std::string kind_;
};

}  // namespace startjoin::protocol
