#include "fixture.hpp"

#include "reporting.hpp"

namespace startjoin::conformance {
namespace {
std::string& command_storage() {
    static std::string command;
    return command;
}
}  // namespace

const std::string& driver_command() { return command_storage(); }
void set_driver_command(std::string command) { command_storage() = std::move(command); }

void conformance_test::SetUp() {
    session_ = std::make_unique<session>(driver_command());
    note_driver(session_->hello());
}

void conformance_test::TearDown() {
    // Destroying the session kills the driver's group and reaps every descendant; a failure to
    // do so is this test's failure, not a leak into the next one.
    try {
        if (session_) session_->kill_all();
    } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
    }
    session_.reset();
}

}  // namespace startjoin::conformance
