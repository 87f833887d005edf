// startjoin-report html's pieces on input built in memory: escaping and links, Markdown, the
// spec's clause texts, causes read back out of the runner's messages, and the page model and
// pages of reports with hostile text in them.
#include <gtest/gtest.h>

#include "failure_cause.hpp"
#include "html_pages.hpp"
#include "html_render.hpp"
#include "site_model.hpp"
#include "spec_reader.hpp"

namespace {

using namespace startjoin::report_tool;
using nlohmann::json;

constexpr const char* small_spec = R"(# A spec

Intro text, no clause.

## join()

### [join.after-exit] join() returns only after the child has terminated

**Rule.** `join()` blocks. See [join.repeatable].

```scenario
process child: wait finish
## not a heading inside a fence
start child
```

#### A sub-heading stays in the clause

### [join.repeatable] join() may be called again

**Rule.** Again.

## Exit codes

### [exitcode.return] A target that returns gives exit code 0

**Rule.** Zero.
)";

const char* const hostile = "<script>alert('x')</script><img src=x onerror=\"y()\"> & more";

TEST(ReportHtml, EscapesEveryCharacterThatIsMarkup) {
    EXPECT_EQ(escape_html("<a href=\"x\" title='y'>&amp;</a>"),
              "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    EXPECT_EQ(escape_html("plain text"), "plain text");
}

TEST(ReportHtml, LinksOnlyHttpUrlsAndEscapesTheRest) {
    EXPECT_EQ(linkify("see https://example.org/a?b=1&c=2. <b>"),
              "see <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noreferrer\">"
              "https://example.org/a?b=1&amp;c=2</a>. &lt;b&gt;");
    // The parentheses the runner puts around a link are not part of it.
    EXPECT_EQ(linkify("(http://x.invalid/1)"),
              "(<a href=\"http://x.invalid/1\" rel=\"noreferrer\">http://x.invalid/1</a>)");
    EXPECT_EQ(linkify("javascript:alert(1) http:// https"), "javascript:alert(1) http:// https");
    // A quote ends a URL: it cannot break out of the href attribute.
    EXPECT_EQ(linkify("https://x.invalid/\"onmouseover=\"y()"),
              "<a href=\"https://x.invalid/\" rel=\"noreferrer\">https://x.invalid/</a>"
              "&quot;onmouseover=&quot;y()");
}

TEST(ReportHtml, RendersMarkdownWithoutRawHtml) {
    EXPECT_EQ(markdown_to_html("**Rule.** `join()` blocks"),
              "<p><strong>Rule.</strong> <code>join()</code> blocks</p>\n");
    const std::string html = markdown_to_html("<script>alert(1)</script>\n\ntext <b>bold</b>");
    EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
    EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
}

TEST(ReportHtml, ReadsClausesWithTheirTextBySection) {
    const spec_text spec = parse_spec_text(small_spec, "spec/start-join.md");
    ASSERT_EQ(spec.clauses.size(), 3u);
    ASSERT_EQ(spec.sections.size(), 2u);  // "A spec" and its intro hold no clause
    EXPECT_EQ(spec.sections[0].title, "join()");
    EXPECT_EQ(spec.sections[0].slug, "join");
    EXPECT_EQ(spec.sections[0].clauses,
              (std::vector<std::string>{"join.after-exit", "join.repeatable"}));
    EXPECT_EQ(spec.sections[1].slug, "exit-codes");
    const clause_text& after_exit = spec.clauses[0];
    EXPECT_EQ(after_exit.title, "join() returns only after the child has terminated");
    EXPECT_EQ(after_exit.section, "join");
    EXPECT_EQ(after_exit.line, 7);
    EXPECT_TRUE(after_exit.markdown.starts_with("**Rule.** `join()` blocks."));
    EXPECT_NE(after_exit.markdown.find("## not a heading inside a fence"), std::string::npos);
    EXPECT_NE(after_exit.markdown.find("#### A sub-heading stays in the clause"),
              std::string::npos);
    EXPECT_TRUE(after_exit.markdown.ends_with("stays in the clause\n"));
    EXPECT_EQ(spec.clauses[1].markdown, "**Rule.** Again.\n");
    EXPECT_EQ(spec.find("exitcode.return")->section, "exit-codes");
    EXPECT_EQ(spec.find("join.nothing"), nullptr);
}

TEST(ReportHtml, RefusesASpecWithoutClausesOrWithADuplicate) {
    try {
        parse_spec_text("# Nothing here\n", "some/file.md");
        FAIL() << "no error";
    } catch (const report_error& error) {
        EXPECT_NE(std::string(error.what()).find("some/file.md: defines no clause"),
                  std::string::npos)
            << error.what();
    }
    try {
        parse_spec_text("## s\n### [a.b] one\n### [a.b] two\n", "spec.md");
        FAIL() << "no error";
    } catch (const report_error& error) {
        EXPECT_STREQ(error.what(), "spec.md:3: clause [a.b] is defined twice (first at line 2)");
    }
    EXPECT_THROW(read_spec_text("/nonexistent/start-join.md"), report_error);
}

TEST(ReportHtml, FindsTheCausesTheRunnerQuoted) {
    // The forms of conformance/runner/expectations.cpp.
    const std::vector<failure_cause> causes = causes_in(
        "expected failure: waitpid twice (https://bugs.invalid/1)\njoin(p1) failed\n"
        "expected timeout but got FAIL (expectation: a hang (https://bugs.invalid/2))\n"
        "expected to fail but passed: remove the expectation (fixed upstream)\n"
        "cases set aside as known deviations (the property searched on):\n"
        "  3 cases of [join.state] matched /exit code: -?9/: the kill is late (http://x.invalid)\n"
        "passed this time; it fails intermittently: a race\n"
        "plain message: expected 1 but got 2");
    ASSERT_EQ(causes.size(), 5u);
    EXPECT_EQ(causes[0].reason, "waitpid twice");
    EXPECT_EQ(causes[0].link, "https://bugs.invalid/1");
    EXPECT_EQ(causes[1].reason, "a hang");
    EXPECT_EQ(causes[1].link, "https://bugs.invalid/2");
    EXPECT_EQ(causes[2].reason, "fixed upstream");
    EXPECT_EQ(causes[2].link, "");
    EXPECT_EQ(causes[3].reason, "the kill is late");
    EXPECT_EQ(causes[3].link, "http://x.invalid");
    EXPECT_EQ(causes[4].reason, "a race");
    EXPECT_TRUE(causes_in("join(p1) failed with ECHILD").empty());
}

json report_json(const std::string& implementation, const std::string& started,
                 const std::string& after_exit_status, const std::string& message) {
    const bool passed = after_exit_status == "PASS";
    return {
        {"format", {{"name", "startjoin-report"}, {"version", 2}}},
        {"run",
         {{"runner_version", "0.2.0"},
          {"started", started},
          {"seconds", 1.5},
          {"machine",
           {{"hostname", "box<1>"}, {"sysname", "Linux"}, {"machine", "x86_64"}, {"cpus", 2}}},
          {"seed", nullptr},
          {"options",
           {{"driver", "d"},
            {"filter", "*"},
            {"expectations", nullptr},
            {"jobs", 1},
            {"repeat", 1}}}}},
        {"driver",
         {{"command", "d"},
          {"protocol", 2},
          {"implementation", implementation},
          {"version", "1.0"},
          {"profile", "process"},
          {"features", json::array()}}},
        {"certification", {{"status", "certified"}, {"problems", json::array()}}},
        {"tests",
         {{{"name", "Join.Blocks"},
           {"clauses", {"join.after-exit"}},
           {"status", after_exit_status},
           {"message", passed ? "" : message},
           {"seconds", 0.1}},
          {{"name", "Join.Again"},
           {"clauses", {"join.repeatable"}},
           {"status", "PASS"},
           {"message", ""},
           {"seconds", 0.1}}}},
        {"clauses",
         {{{"id", "join.after-exit"}, {"status", after_exit_status}, {"tests", {"Join.Blocks"}}},
          {{"id", "join.repeatable"}, {"status", "PASS"}, {"tests", {"Join.Again"}}},
          {{"id", "exitcode.return"},
           {"status", "SKIP"},
           {"tests", json::array()},
           {"reason", "no <exit> feature"}}}},
        {"totals", {{"tests", {{"PASS", 2}}}, {"clauses", {{"PASS", 2}}}}}};
}

site_model two_runs_and_a_hostile_one() {
    const spec_text spec = parse_spec_text(small_spec, "spec/start-join.md");
    return build_site_model(
        spec,
        {report_from_json("old.json", report_json("impl", "2026-01-01T00:00:00Z", "PASS", "")),
         report_from_json("other.json", report_json("other", "2026-01-01T00:00:00Z", "PASS", "")),
         report_from_json("new.json",
                          report_json("impl", "2026-01-02T00:00:00Z", "FAIL",
                                      std::string(hostile) + "\nexpected failure: it waits on a "
                                                             "pipe (https://bugs.invalid/7)"))});
}

TEST(ReportHtml, ScoresEachReportAndTheInterop) {
    const site_model model = two_runs_and_a_hostile_one();
    ASSERT_EQ(model.columns.size(), 3u);
    EXPECT_EQ(model.columns[0].passed, 2);
    EXPECT_EQ(model.columns[0].ran, 3);  // SKIP ran; only NOT RUN did not
    EXPECT_EQ(model.columns[2].passed, 1);
    EXPECT_EQ(model.interop, 1);  // join.repeatable only: the new run fails join.after-exit
    const cell& failed = model.columns[2].cells.at("join.after-exit");
    EXPECT_EQ(failed.status, "FAIL");
    ASSERT_EQ(failed.tests.size(), 1u);
    ASSERT_EQ(failed.tests[0].causes.size(), 1u);
    EXPECT_EQ(failed.tests[0].causes[0].link, "https://bugs.invalid/7");
    EXPECT_EQ(model.columns[0].cells.at("exitcode.return").reason, "no <exit> feature");
    EXPECT_EQ(model.columns[0].run.machine, "box<1> (Linux x86_64, 2 CPUs)");
    EXPECT_EQ(model.columns[0].run.filter, "");
}

TEST(ReportHtml, DiffsConsecutiveRunsOfOneImplementation) {
    const site_model model = two_runs_and_a_hostile_one();
    ASSERT_EQ(model.diffs.size(), 1u);
    EXPECT_EQ(model.diffs[0].old_column, 0u);
    EXPECT_EQ(model.diffs[0].new_column, 2u);
    ASSERT_EQ(model.diffs[0].changes.regressions.size(), 1u);
    EXPECT_EQ(model.diffs[0].changes.regressions[0].test, "Join.Blocks");
    const std::string html = diff_page(model);
    EXPECT_NE(html.find("1 new failures"), std::string::npos);
    EXPECT_NE(html.find("<td><code>Join.Blocks</code></td><td><a "
                        "href=\"clauses/join.after-exit.html\">[join.after-exit]</a>"),
              std::string::npos)
        << html;
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
}

TEST(ReportHtml, PagesEscapeEveryReportText) {
    const site_model model = two_runs_and_a_hostile_one();
    for (const std::string& html :
         {matrix_page(model), clause_page(model, model.spec.clauses[0]), diff_page(model)}) {
        EXPECT_EQ(html.find("<script>alert"), std::string::npos);
        EXPECT_EQ(html.find("<img"), std::string::npos);
        EXPECT_EQ(html.find("<1>"), std::string::npos);
        EXPECT_EQ(html.find("<exit>"), std::string::npos);
        // The page's own script is its only one.
        EXPECT_EQ(html.find("<script"), html.rfind("<script"));
    }
    const std::string matrix = matrix_page(model);
    EXPECT_NE(matrix.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(matrix.find("<a class=\"upstream\" href=\"https://bugs.invalid/7\""),
              std::string::npos);
    EXPECT_NE(matrix.find("<tbody data-section=\"exit-codes\">"), std::string::npos);
    EXPECT_NE(matrix.find("data-status=\"FAIL\""), std::string::npos);
}

TEST(ReportHtml, ClausePageRendersTheSpecTextWithLinksToClauses) {
    const site_model model = two_runs_and_a_hostile_one();
    const std::string html = clause_page(model, model.spec.clauses[0]);
    EXPECT_NE(html.find("<strong>Rule.</strong> <code>join()</code> blocks."), std::string::npos);
    EXPECT_NE(html.find("<a href=\"join.repeatable.html\">[join.repeatable]</a>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<pre><code class=\"language-scenario\">process child: wait finish"),
              std::string::npos);
    EXPECT_NE(html.find("href=\"../dashboard.css\""), std::string::npos);
}

TEST(ReportHtml, NamesAReportWithAFieldOfTheWrongType) {
    json document = report_json("impl", "2026-01-01T00:00:00Z", "PASS", "");
    document["driver"]["implementation"] = 42;
    try {
        build_site_model(parse_spec_text(small_spec, "spec.md"),
                         {report_from_json("bad.json", document)});
        FAIL() << "no error";
    } catch (const report_error& error) {
        EXPECT_TRUE(std::string(error.what()).starts_with("bad.json: ")) << error.what();
    }
}

TEST(ReportHtml, StatusClassesAreFixedNames) {
    EXPECT_EQ(status_class("PASS"), "status-pass");
    EXPECT_EQ(status_class("NOT RUN"), "status-not-run");
    EXPECT_EQ(status_class("\"><script>"), "status-other");
}

}  // namespace
