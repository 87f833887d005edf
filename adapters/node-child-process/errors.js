'use strict';
// The protocol's error replies (spec/protocol.md, "Requests and replies"): an error with a kind.

class ProtocolError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

module.exports = { ProtocolError };
