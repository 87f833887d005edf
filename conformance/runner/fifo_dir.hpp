// The private temporary directory through which children talk to the runner without the
// driver's help: one trace FIFO, and one FIFO per gate (spec/protocol.md).
#pragma once

#include <map>
#include <string>

#include "unique_fd.hpp"

namespace startjoin::conformance {

class fifo_dir {
  public:
    /// Creates a mode-0700 directory under $TMPDIR (or /tmp) holding the trace FIFO.
    fifo_dir();
    /// Closes every FIFO and removes the directory.
    ~fifo_dir();
    fifo_dir(const fifo_dir&) = delete;
    fifo_dir& operator=(const fifo_dir&) = delete;

    const std::string& path() const { return path_; }
    std::string trace_path() const { return path_ + "/trace"; }
    std::string gates_path() const { return path_ + "/gates"; }

    /// Non-blocking read end of the trace FIFO. The runner also holds it open for writing, so
    /// a writer's open() never blocks and the runner never sees end of file.
    int trace_fd() const { return trace_.get(); }

    /// The runner's ends of the four channels of a case (spec/protocol.md, "Cases"), made as
    /// FIFOs in this directory: `requests` open read-write (so the case parent's open for
    /// reading never blocks, and it sees end of file when the runner closes it), the others
    /// open for reading without blocking.
    struct case_channels {
        unique_fd requests, replies, out, err;
    };
    case_channels make_case_channels();
    std::string channel_path(const char* name) const { return path_ + "/" + name; }

    /// Creates gate `name` if it does not exist yet. Idempotent.
    void ensure_gate(const std::string& name);
    /// Releases `count` waiters of gate `name`, present or future. Throws if it does not exist.
    void release_gate(const std::string& name, int count);

  private:
    std::string path_;
    unique_fd trace_;
    std::map<std::string, unique_fd> gates_;
};

}  // namespace startjoin::conformance
