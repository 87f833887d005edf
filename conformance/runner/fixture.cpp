#include "fixture.hpp"

#include "cancellation.hpp"
#include "ordering.hpp"
#include "profile_applicability.hpp"
#include "reporting.hpp"

namespace startjoin::conformance {
namespace {
std::string& command_storage() {
    static std::string command;
    return command;
}

std::vector<std::string>& certification_storage() {
    static std::vector<std::string> problems;
    return problems;
}

spec_document& spec_storage() {
    static spec_document spec;
    return spec;
}

expectations& expectations_storage() {
    static expectations expected;
    return expected;
}
}  // namespace

const std::string& driver_command() { return command_storage(); }
void set_driver_command(std::string command) { command_storage() = std::move(command); }
const spec_document& current_spec() { return spec_storage(); }
const std::vector<std::string>& certification_problems() { return certification_storage(); }
void set_certification_problems(std::vector<std::string> problems) {
    certification_storage() = std::move(problems);
}
void use_spec(spec_document spec) { spec_storage() = std::move(spec); }
const expectations& current_expectations() { return expectations_storage(); }
void use_expectations(expectations expected) { expectations_storage() = std::move(expected); }

void conformance_test::SetUp() {
    // After SIGINT or SIGTERM the remaining tests end here at once, reported NOT RUN.
    if (cancelled()) FAIL() << "[NOT RUN] " << cancellation_reason();
    // The reasons are printed once, by the protocol check before the first test (main.cpp) and
    // in the report's "certification"; repeating them in every test buried everything else.
    if (!certification_problems().empty()) {
        FAIL() << "[BROKEN] driver `" << driver_command()
               << "` failed the protocol check (reasons above), so no conformance verdict is given";
    }
    session_ = std::make_unique<session>(driver_command());
    note_driver(session_->hello());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (const auto mismatch = profile_mismatch(
            std::string(info->test_suite_name()) + "." + info->name(), session_->hello().profile))
        GTEST_SKIP() << *mismatch;
}

void conformance_test::TearDown() {
    // Destroying the session kills the driver's group and reaps every descendant; a failure to
    // do so is this test's failure, not a leak into the next one.
    try {
        if (session_) session_->kill_all();
    } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
    }
    // Every test's whole history, late events included, against the spec's happens-before rules.
    if (session_) {
        const auto violations = check_ordering(session_->history(), session_->scripts());
        if (!violations.empty()) ADD_FAILURE() << explain(violations) << session_->transcript();
    }
    session_.reset();
}

}  // namespace startjoin::conformance
