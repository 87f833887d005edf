// A mutant with many deviations at once, as a library nobody adapted before may have: a single
// run of the suite must list every one of them, each under its own clause (a property searches
// on after a deviation, and blames only the clause its failing check names), and the clauses
// of the features it does not declare must read SKIP, not FAIL.
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "catalogue.hpp"

namespace startjoin::mutants {
namespace {

// Six deviations that Property.ModelOfProcessObjects reaches, each under another clause, and
// no close() (the feature is not declared).
class six_deviations final : public reference_process {
  public:
    explicit six_deviations(target what) : reference_process(what), copy_(std::move(what)) {}

    // [start.once]: a second start() launches a second child.
    void start() override {
        if (!started_) {
            reference_process::start();
            started_ = true;
            return;
        }
        again_.push_back(std::make_unique<reference_process>(copy_));
        again_.back()->start();
    }
    // [join.before-start]: join() before start() returns at once.
    void join() override {
        if (!started_) return;
        reference_process::join();
        joined_ = true;
    }
    // [alive.before-start]: true before start().
    bool is_alive() override { return !started_ || reference_process::is_alive(); }
    // [join-timeout.poll]: a timeout of zero or less reads as "not yet", without looking.
    bool join(std::chrono::duration<double> timeout) override {
        if (started_ && timeout.count() <= 0) return false;
        return reference_process::join(timeout);
    }
    // [exitcode.absent]: 0 before start(). [join.state]: after join(), a code that is not the
    // child's (its lowest bit flipped: a status decoded with the wrong mask).
    std::optional<int> exitcode() override {
        if (!started_) return 0;
        const std::optional<int> code = reference_process::exitcode();
        if (joined_ && code) return *code ^ 1;
        return code;
    }

  private:
    target copy_;
    bool started_ = false;
    bool joined_ = false;
    std::vector<std::unique_ptr<reference_process>> again_;
};

// clang-format off
const registrar registered[] = {
    registrar({"six-deviations", "alive.before-start", "six deviations of the model at once, no close()", make_process<six_deviations>, nullptr, nullptr, {"close"}}),
};
// clang-format on

}  // namespace
}  // namespace startjoin::mutants
