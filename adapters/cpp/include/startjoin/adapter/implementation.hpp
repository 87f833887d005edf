// The interface a C++ start/join implementation fills in to be driven by the conformance runner.
//
// serve() (serve.hpp) speaks protocol v1 on fds 3 and 4 and turns each request into a call on
// these classes; run_target() (target.hpp) interprets a target script inside the child. A new C++
// implementation writes one process_object subclass and one implementation subclass, and a
// main() that calls serve(); adapters/reference is the worked example.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "startjoin/protocol/script.hpp"

namespace startjoin::adapter {

/// An error to report to the runner with a protocol error kind ("invalid_state", "closed",
/// "unsupported", "system", ...).
class operation_error : public std::runtime_error {
  public:
    operation_error(std::string kind, const std::string& message)
        : std::runtime_error(message), kind_(std::move(kind)) {}
    const std::string& kind() const noexcept { return kind_; }

  private:
    std::string kind_;
};

/// What the handshake tells the runner about the implementation.
struct description {
    std::string implementation;
    std::string version;
    std::string profile = "process";  ///< "process" or "thread"
    /// Optional features (spec/protocol.md, "Features"): "join_timeout", "terminate", "kill",
    /// "close", "drop", "daemon", "name", "globals", "nest", "orphan", "exec", "count_fds",
    /// "zombies", "join_threads" (the `drop` op destroys the process_object: its destructor is what
    /// dropping does). serve() answers "unsupported" to the ops and steps of the ones not listed.
    std::vector<std::string> features;
};

class implementation;

/// Everything a child needs: its handle (for trace events), its script and its arguments.
struct target {
    std::string process;
    protocol::script steps;
    nlohmann::json args = nlohmann::json::array();
    /// The implementation that created the process object: run_target() creates the process
    /// objects of `nest` steps through it. serve() sets it; nullptr makes `nest` an error.
    implementation* origin = nullptr;
};

/// One process object of the implementation under test. Exit codes use the spec's encoding
/// (0, N, 1, -S). The defaults of the optional operations report "unsupported".
class process_object {
  public:
    virtual ~process_object() = default;
    virtual void start() = 0;
    virtual void join() = 0;
    virtual bool join(std::chrono::duration<double> timeout);
    virtual bool is_alive() = 0;
    virtual std::optional<int> exitcode() = 0;
    virtual std::optional<long long> pid() = 0;
    virtual void terminate();
    virtual void kill();
    virtual void close();
    /// The daemon flag ("daemon" feature); set_daemon() after start() is an invalid_state error.
    virtual void set_daemon(bool daemon);
    virtual bool daemon();
    /// The process object's name ("name" feature).
    virtual void set_name(const std::string& name);
    virtual std::string name();
};

/// The implementation: describes itself and creates process objects. Nothing may run before
/// process_object::start().
class implementation {
  public:
    virtual ~implementation() = default;
    virtual description describe() const = 0;
    virtual std::unique_ptr<process_object> create(target what) = 0;
};

}  // namespace startjoin::adapter
