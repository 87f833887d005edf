#include "profile_listener.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace startjoin::conformance {
namespace {

std::map<std::string, phase_times>& records() {
    static std::map<std::string, phase_times> by_test;
    return by_test;
}

std::string test_name(const ::testing::TestInfo& test) {
    return std::string(test.test_suite_name()) + "." + test.name();
}

double total(const phase_times& times) {
    double sum = 0;
    for (const double each : times) sum += each;
    return sum;
}

std::string row(const std::string& label, const phase_times& times) {
    std::string text = fmt::format("  {:<48} {:>8.3f}", label, total(times));
    for (const double each : times) text += fmt::format(" {:>8.3f}", each);
    return text + "\n";
}

}  // namespace

const std::map<std::string, phase_times>& recorded_phase_times() { return records(); }

void profile_listener::OnTestStart(const ::testing::TestInfo&) { reset_phase_times(); }

void profile_listener::OnTestEnd(const ::testing::TestInfo& test) {
    records()[test_name(test)] = current_phase_times();
}

void profile_listener::OnTestProgramEnd(const ::testing::UnitTest&) {
    if (!print_) return;
    std::vector<std::pair<std::string, phase_times>> slowest(records().begin(), records().end());
    std::sort(slowest.begin(), slowest.end(),
              [](const auto& a, const auto& b) { return total(a.second) > total(b.second); });
    std::string header = fmt::format("  {:<48} {:>8}", "where the time went (s)", "total");
    for (std::size_t i = 0; i < phase_count; ++i)
        header += fmt::format(" {:>8}", phase_name(static_cast<phase>(i)).substr(0, 8));
    phase_times sum{};
    for (const auto& [name, times] : slowest) {
        for (std::size_t i = 0; i < phase_count; ++i) sum[i] += times[i];
    }
    std::string text = "profile:\n" + header + "\n" + row("all tests", sum);
    for (std::size_t i = 0; i < std::min<std::size_t>(slowest.size(), 15); ++i)
        text += row(slowest[i].first, slowest[i].second);
    fmt::print("{}", text);
}

}  // namespace startjoin::conformance
