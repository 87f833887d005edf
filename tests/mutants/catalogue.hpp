// The catalogue of mutants: each one a deliberate defect of the reference driver, registered
// from its own file (process_mutants.cpp, seam_mutants.cpp) and selected by name at run time, so
// the reference code stays clean. startjoin-driver-mutant serves the one named on its command
// line; tools/mutation-score and the ctest label "mutants" check that the suite rejects each
// for the clause it names.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reference_adapter.hpp"

namespace startjoin::mutants {

using adapter::operation_error;
using adapter::process_object;
using adapter::reference_process;
using adapter::target;

/// One mutant: its name, the clause the suite must report as failed, what it imitates, how it
/// creates process objects (the implementation's create()), and optionally what it changes in
/// the reference's syscall seam before the driver serves.
struct mutant_entry {
    std::string name;
    std::string violates;
    std::string description;
    std::function<std::unique_ptr<process_object>(target)> make;
    void (*setup)() = nullptr;
    /// What the case server does before it forks each case (spec/protocol.md, "Cases"): a
    /// correct server does nothing; a mutant may leave something behind for the case.
    void (*before_case_fork)() = nullptr;
    /// Optional features the mutant leaves out of its handshake (an implementation without
    /// close(), say), so that their clauses are not tested.
    std::vector<std::string> undeclared = {};
};

/// Adds `entry` to the catalogue; one static registrar per mutant.
struct registrar {
    explicit registrar(mutant_entry entry);
};

/// Every registered mutant, sorted by name.
const std::vector<mutant_entry>& catalogue();

/// The mutant called `name`, or nullptr.
const mutant_entry* find_mutant(const std::string& name);

/// Prints "NAME CLAUSE" per mutant on stdout, as `startjoin-driver-mutant --list` does.
void print_catalogue();

/// Runs the mutant's seam setup, then serves the protocol with its process objects.
int serve_mutant(const mutant_entry& chosen);

/// The pid of the driver itself (set before serving), to tell the parent from its children.
int driver_pid();

template <class Process>
std::unique_ptr<process_object> make_process(target what) {
    return std::make_unique<Process>(std::move(what));
}

/// The reference driver's process objects, unchanged (for mutants that only touch the seam).
std::unique_ptr<process_object> make_reference(target what);

/// A process object that forwards every operation to another one; mutants that must control the
/// inner object's lifetime (leak it, replace it) derive from it.
class forwarding_process : public process_object {
  public:
    explicit forwarding_process(std::unique_ptr<process_object> inner) : inner_(std::move(inner)) {}
    void start() override { inner_->start(); }
    void join() override { inner_->join(); }
    bool join(std::chrono::duration<double> timeout) override { return inner_->join(timeout); }
    bool is_alive() override { return inner_->is_alive(); }
    std::optional<int> exitcode() override { return inner_->exitcode(); }
    std::optional<long long> pid() override { return inner_->pid(); }
    void terminate() override { inner_->terminate(); }
    void kill() override { inner_->kill(); }
    void close() override { inner_->close(); }
    void set_daemon(bool daemon) override { inner_->set_daemon(daemon); }
    bool daemon() override { return inner_->daemon(); }
    void set_name(const std::string& name) override { inner_->set_name(name); }
    std::string name() override { return inner_->name(); }

  protected:
    std::unique_ptr<process_object> inner_;
};

}  // namespace startjoin::mutants
