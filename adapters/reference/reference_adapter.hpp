// The reference implementation (startjoin::Process) behind the C++ adapter interface.
// Mutant drivers in tests/mutants derive from these classes and break one operation each.
#pragma once

#include <startjoin/process.hpp>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter {

/// One startjoin::Process; each operation forwards to it and reports process_error with the
/// same kind.
class reference_process : public process_object {
  public:
    explicit reference_process(target what);

    void start() override;
    void join() override;
    bool join(std::chrono::duration<double> timeout) override;
    bool is_alive() override;
    std::optional<int> exitcode() override;
    std::optional<long long> pid() override;
    void terminate() override;
    void kill() override;
    void close() override;
    void set_daemon(bool daemon) override;
    bool daemon() override;
    void set_name(const std::string& name) override;
    std::string name() override;

  protected:
    Process& process() { return process_; }

  private:
    Process process_;
};

/// Creates reference_process objects and supports every feature of the protocol.
class reference_implementation : public implementation {
  public:
    description describe() const override;
    std::unique_ptr<process_object> create(target what) override;
};

}  // namespace startjoin::adapter
