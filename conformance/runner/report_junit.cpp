#include "report_junit.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "clauses.hpp"
#include "fixture.hpp"
#include "profile.hpp"
#include "spec_document.hpp"
#include "visible_text.hpp"
#include "xml_writer.hpp"

namespace startjoin::conformance {
namespace {

constexpr const char* uncited_section = "uncited";

// A test's wall time: its phases add up to it (profile.hpp). A test with no profile (one a
// worker never reported) took no time we know of.
double seconds_of(const test_outcome& outcome) {
    if (!outcome.profile.is_object()) return 0.0;
    double seconds = 0.0;
    for (std::size_t i = 0; i < phase_count; ++i) {
        const auto found = outcome.profile.find(std::string(phase_name(static_cast<phase>(i))));
        if (found != outcome.profile.end() && found->is_number()) seconds += found->get<double>();
    }
    return seconds;
}

std::string seconds_text(double seconds) { return fmt::format("{:.3f}", seconds); }

// The JUnit element a status becomes inside its <testcase>; empty for a pass.
std::string_view verdict_element(const std::string& status) {
    if (status == "BROKEN") return "error";  // the driver broke the protocol: no verdict
    if (status == "SKIP" || status == "NOT RUN") return "skipped";
    if (is_failure(status)) return "failure";
    return {};
}

struct section {
    std::string name;
    std::vector<const test_outcome*> tests;
    int failures = 0, errors = 0, skipped = 0;
    double seconds = 0.0;

    void add(const test_outcome& outcome) {
        tests.push_back(&outcome);
        const std::string_view element = verdict_element(outcome.status);
        failures += element == "failure";
        errors += element == "error";
        skipped += element == "skipped";
        seconds += seconds_of(outcome);
    }
};

// The sections of `outcomes` in the spec's order, then any the spec lacks, in name order.
std::vector<section> sections_of(const std::vector<test_outcome>& outcomes) {
    std::map<std::string, section> by_name;
    for (const test_outcome& outcome : outcomes) {
        const std::string name =
            outcome.clauses.empty() ? uncited_section : section_of(outcome.clauses.front());
        by_name[name].name = name;
        by_name[name].add(outcome);
    }
    std::vector<section> ordered;
    for (const spec_clause& clause : current_spec().clauses) {
        const auto found = by_name.find(section_of(clause.id));
        if (found == by_name.end()) continue;
        ordered.push_back(std::move(found->second));
        by_name.erase(found);
    }
    for (auto& [name, rest] : by_name) ordered.push_back(std::move(rest));
    return ordered;
}

void write_testcase(xml_writer& xml, const std::string& section_name, const test_outcome& outcome) {
    xml.open("testcase", {{"name", outcome.name},
                          {"classname", "startjoin." + section_name},
                          {"time", seconds_text(seconds_of(outcome))}});
    xml.open("properties");
    xml.element("property", {{"name", "startjoin.status"}, {"value", outcome.status}});
    xml.element("property", {{"name", "startjoin.clauses"},
                             {"value", fmt::format("{}", fmt::join(outcome.clauses, " "))}});
    xml.close();
    if (const std::string_view element = verdict_element(outcome.status); !element.empty()) {
        // The attribute is what a CI page shows in one line; the text keeps everything.
        xml.element(
            element,
            {{"message", std::string(first_line(outcome.message))}, {"type", outcome.status}},
            outcome.message);
    } else if (!outcome.message.empty()) {
        xml.element("system-out", {}, outcome.message);  // XFAIL: the expectation's reason
    }
    xml.close();
}

}  // namespace

std::string junit_report(const std::vector<test_outcome>& outcomes) {
    const std::vector<section> sections = sections_of(outcomes);
    section totals;
    for (const test_outcome& outcome : outcomes) totals.add(outcome);
    const auto counts = [](const section& of) -> xml_writer::attributes {
        return {{"tests", std::to_string(of.tests.size())},
                {"failures", std::to_string(of.failures)},
                {"errors", std::to_string(of.errors)},
                {"skipped", std::to_string(of.skipped)},
                {"time", seconds_text(of.seconds)}};
    };
    xml_writer xml;
    xml_writer::attributes root = {{"name", "startjoin conformance of " + driver_command()}};
    for (auto& each : counts(totals)) root.push_back(std::move(each));
    xml.open("testsuites", root);
    for (const section& each : sections) {
        xml_writer::attributes attributes = {{"name", each.name}};
        for (auto& count : counts(each)) attributes.push_back(std::move(count));
        xml.open("testsuite", attributes);
        for (const test_outcome* outcome : each.tests) write_testcase(xml, each.name, *outcome);
        xml.close();
    }
    xml.close();
    return xml.document();
}

}  // namespace startjoin::conformance
