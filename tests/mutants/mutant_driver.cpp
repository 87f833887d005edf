// startjoin-driver-mutant NAME: the reference driver with one deliberate defect, the kind real
// implementations have had. The suite must reject every mutant for the clause it names.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "catalogue.hpp"
#include "reference_adapter.hpp"
#include "startjoin/adapter/serve.hpp"

namespace {

using namespace startjoin::adapter;

// join() that returns at once instead of waiting for the child: the bug of an implementation
// that forgets to wait, or waits on the wrong thing.
class join_returns_at_once final : public reference_process {
  public:
    using reference_process::reference_process;
    void join() override {}
};

// start() that waits for its child to finish, as a "start" that runs the target synchronously
// does: a child held on a gate never lets it return.
class start_waits_for_child final : public reference_process {
  public:
    using reference_process::reference_process;
    void start() override {
        reference_process::start();
        reference_process::join();
    }
};

// An implementation that assumes every child exits normally (it decodes the status with
// WEXITSTATUS behind an assert): a child killed by a signal makes the parent abort.
class abort_on_signal_death final : public reference_process {
  public:
    using reference_process::reference_process;
    void join() override {
        reference_process::join();
        if (const auto code = reference_process::exitcode(); code && *code < 0) std::abort();
    }
};

// is_alive() that stays true until join() is called: liveness taken from a "joined" flag rather
// than from the child. A supervisor that polls is_alive(), or joins with a timeout, never sees
// its child end; the example tests, which call join() first, do not notice.
class alive_until_joined final : public reference_process {
  public:
    using reference_process::reference_process;
    void start() override {
        reference_process::start();
        started_ = true;
    }
    void join() override {
        reference_process::join();
        joined_ = true;
    }
    bool is_alive() override { return reference_process::is_alive() || (started_ && !joined_); }

  private:
    bool started_ = false;
    bool joined_ = false;
};

struct mutant {
    const char* name;
    const char* violates;  // the clause the suite must report as failed
    std::function<std::unique_ptr<process_object>(target)> make;
};

template <class Process>
std::unique_ptr<process_object> make_process(target what) {
    return std::make_unique<Process>(std::move(what));
}

const mutant mutants[] = {
    {"alive-until-joined", "alive.after-exit", make_process<alive_until_joined>},
    {"join-returns-at-once", "join.after-exit", make_process<join_returns_at_once>},
    {"start-waits-for-child", "start.returns", make_process<start_waits_for_child>},
    {"abort-on-signal-death", "exitcode.signal", make_process<abort_on_signal_death>},
};

class mutant_implementation final : public reference_implementation {
  public:
    explicit mutant_implementation(const mutant& chosen) : chosen_(chosen) {}
    description describe() const override {
        description about = reference_implementation::describe();
        about.implementation += std::string("+mutant:") + chosen_.name;
        return about;
    }
    std::unique_ptr<process_object> create(target what) override {
        return chosen_.make(std::move(what));
    }

  private:
    const mutant& chosen_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const mutant& each : mutants) std::printf("%s %s\n", each.name, each.violates);
        startjoin::mutants::print_catalogue();  // the mutants of catalogue.hpp
        return 0;
    }
    for (const mutant& each : mutants) {
        if (argc == 2 && std::strcmp(argv[1], each.name) == 0) {
            mutant_implementation implementation(each);
            return serve(implementation);
        }
    }
    if (argc == 2) {
        if (const auto* entry = startjoin::mutants::find_mutant(argv[1]))
            return startjoin::mutants::serve_mutant(*entry);
    }
    std::fprintf(stderr, "usage: startjoin-driver-mutant NAME | --list\nknown mutants:");
    for (const mutant& each : mutants) std::fprintf(stderr, " %s", each.name);
    std::fprintf(stderr, "\n");
    return 2;
}
