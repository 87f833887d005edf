#include "profile_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace startjoin::conformance {
namespace {

bool& printing() {
    static bool enabled = false;
    return enabled;
}

double total(const std::vector<double>& times) {
    double sum = 0;
    for (const double each : times) sum += each;
    return sum;
}

std::string row(const std::string& label, const std::vector<double>& times) {
    std::string text = fmt::format("  {:<52} {:>8.3f}", label, total(times));
    for (const double each : times) text += fmt::format(" {:>9.3f}", each);
    return text + "\n";
}

}  // namespace

nlohmann::json profile_to_json(const phase_times& times) {
    nlohmann::json entry = nlohmann::json::object();
    for (std::size_t i = 0; i < phase_count; ++i)
        entry[std::string(phase_name(static_cast<phase>(i)))] = times[i];
    return entry;
}

void enable_profile_printing(bool enabled) { printing() = enabled; }

void print_profile(const std::vector<std::pair<std::string, nlohmann::json>>& tests) {
    if (!printing()) return;
    std::vector<std::pair<std::string, std::vector<double>>> rows;
    std::vector<double> sum(phase_count, 0.0);
    for (const auto& [name, entry] : tests) {
        if (!entry.is_object()) continue;
        std::vector<double> times(phase_count, 0.0);
        for (std::size_t i = 0; i < phase_count; ++i) {
            times[i] = entry.value(std::string(phase_name(static_cast<phase>(i))), 0.0);
            sum[i] += times[i];
        }
        rows.emplace_back(name, std::move(times));
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return total(a.second) > total(b.second); });
    std::string text = fmt::format(
        "\nwhere the time went, in seconds of each test's wall time:\n"
        "  {:<52} {:>8}",
        "test", "total");
    for (std::size_t i = 0; i < phase_count; ++i)
        text += fmt::format(" {:>9}", phase_name(static_cast<phase>(i)).substr(0, 9));
    text += "\n" + row(fmt::format("all {} tests", rows.size()), sum);
    for (std::size_t i = 0; i < std::min<std::size_t>(rows.size(), 12); ++i)
        text += row(rows[i].first, rows[i].second);
    fmt::print("{}", text);
    std::fflush(stdout);
}

}  // namespace startjoin::conformance
