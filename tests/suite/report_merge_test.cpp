// startjoin-report merge on reports built in memory: the union of tests, the clause verdicts
// recomputed by the runner's rules, and every conflict refused with both files named.
#include <gtest/gtest.h>

#include <string>

#include "merge.hpp"
#include "report_file.hpp"

namespace {

using namespace startjoin::report_tool;
using nlohmann::json;

json test_entry(const std::string& name, const std::string& clause, const std::string& status) {
    return {{"name", name},
            {"clauses", {clause}},
            {"status", status},
            {"message", ""},
            {"seconds", 0.5}};
}

// A shard's report over the spec {start.once, join.once}, holding `tests`.
report_file shard(const std::string& path, json tests,
                  const std::string& started = "2026-01-01T10:00:00Z") {
    json document = {{"format", {{"name", "startjoin-report"}, {"version", 2}}},
                     {"run", {{"started", started}, {"seconds", 2.0}, {"runner_version", "0.2.0"}}},
                     {"driver",
                      {{"command", "drv"},
                       {"implementation", "ref"},
                       {"version", "1"},
                       {"protocol", 2},
                       {"profile", "full"},
                       {"features", json::array()}}},
                     {"certification", {{"status", "certified"}, {"problems", json::array()}}},
                     {"tests", std::move(tests)},
                     {"clauses",
                      {{{"id", "start.once"}, {"status", "NOT RUN"}, {"tests", json::array()}},
                       {{"id", "join.once"}, {"status", "NOT RUN"}, {"tests", json::array()}}}},
                     {"totals", json::object()}};
    return report_from_json(path, std::move(document));
}

TEST(ReportMerge, UnitesTestsAndRecomputesClausesAndTotals) {
    const json merged =
        merge_reports({shard("a.json", {test_entry("Start.Once", "start.once", "PASS")}),
                       shard("b.json",
                             {test_entry("Join.Once", "join.once", "FAIL"),
                              test_entry("Join.Twice", "join.once", "PASS")},
                             "2026-01-01T09:00:00Z")});
    ASSERT_EQ(merged["tests"].size(), 3u);
    EXPECT_EQ(merged["tests"][0]["name"], "Start.Once");
    EXPECT_EQ(merged["tests"][2]["name"], "Join.Twice");
    ASSERT_EQ(merged["clauses"].size(), 2u);
    EXPECT_EQ(merged["clauses"][0]["id"], "start.once");
    EXPECT_EQ(merged["clauses"][0]["status"], "PASS");
    // The worst test decides, as in the runner: one FAIL among passes fails the clause.
    EXPECT_EQ(merged["clauses"][1]["status"], "FAIL");
    EXPECT_EQ(merged["clauses"][1]["tests"], json({"Join.Once", "Join.Twice"}));
    EXPECT_EQ(merged["totals"]["tests"], json({{"PASS", 2}, {"FAIL", 1}}));
    EXPECT_EQ(merged["totals"]["clauses"], json({{"PASS", 1}, {"FAIL", 1}}));
    EXPECT_EQ(merged["run"]["started"], "2026-01-01T09:00:00Z");
    EXPECT_DOUBLE_EQ(merged["run"]["seconds"].get<double>(), 4.0);
    EXPECT_EQ(merged["merged_from"], json({"a.json", "b.json"}));
    EXPECT_EQ(merged["format"]["version"], 2);
}

TEST(ReportMerge, ClauseNoShardRanStaysNotRun) {
    const json merged =
        merge_reports({shard("a.json", {test_entry("Start.Once", "start.once", "SKIP")})});
    EXPECT_EQ(merged["clauses"][0]["status"], "SKIP");
    EXPECT_EQ(merged["clauses"][1]["status"], "NOT RUN");
}

TEST(ReportMerge, SameTestSameStatusInTwoShardsIsKeptOnce) {
    const json merged =
        merge_reports({shard("a.json", {test_entry("Start.Once", "start.once", "PASS")}),
                       shard("b.json", {test_entry("Start.Once", "start.once", "PASS")})});
    EXPECT_EQ(merged["tests"].size(), 1u);
}

TEST(ReportMerge, SameTestDifferentStatusesNamesBothFiles) {
    try {
        merge_reports({shard("a.json", {test_entry("Start.Once", "start.once", "PASS")}),
                       shard("b.json", {test_entry("Start.Once", "start.once", "FAIL")})});
        FAIL() << "merged a test with two statuses";
    } catch (const report_error& error) {
        const std::string text = error.what();
        EXPECT_NE(text.find("Start.Once"), std::string::npos) << text;
        EXPECT_NE(text.find("a.json"), std::string::npos) << text;
        EXPECT_NE(text.find("b.json"), std::string::npos) << text;
    }
}

TEST(ReportMerge, DifferentDriversAreRefusedNamingTheFiles) {
    report_file other = shard("b.json", json::array());
    other.document["driver"]["implementation"] = "other";
    try {
        merge_reports({shard("a.json", json::array()), other});
        FAIL() << "merged reports of two drivers";
    } catch (const report_error& error) {
        const std::string text = error.what();
        EXPECT_NE(text.find("a.json"), std::string::npos) << text;
        EXPECT_NE(text.find("b.json"), std::string::npos) << text;
    }
}

TEST(ReportMerge, BrokenCertificationOfOneShardIsKept) {
    report_file broken = shard("b.json", json::array());
    broken.document["certification"] = {{"status", "BROKEN"}, {"problems", {"no hello"}}};
    const json merged = merge_reports({shard("a.json", json::array()), broken});
    EXPECT_EQ(merged["certification"]["status"], "BROKEN");
    EXPECT_EQ(merged["certification"]["problems"], json({"no hello"}));
}

TEST(ReportFile, OtherFormatVersionsAreRefused) {
    json version1 = shard("a.json", json::array()).document;
    version1.erase("format");
    EXPECT_THROW(report_from_json("v1.json", version1), report_error);
    json version3 = version1;
    version3["format"] = {{"name", "startjoin-report"}, {"version", 3}};
    try {
        report_from_json("v3.json", version3);
        FAIL() << "read a version 3 report";
    } catch (const report_error& error) {
        EXPECT_NE(std::string(error.what()).find("v3.json: startjoin-report version 3"),
                  std::string::npos)
            << error.what();
    }
}

TEST(ReportFile, TestWithoutStatusIsRefusedNamingFileAndIndex) {
    json document = shard("a.json", json::array()).document;
    document["tests"] = {{{"name", "A.B"}, {"clauses", json::array()}, {"message", ""}}};
    try {
        report_from_json("a.json", document);
        FAIL() << "read a test without a status";
    } catch (const report_error& error) {
        EXPECT_NE(std::string(error.what()).find("a.json: test 0:"), std::string::npos)
            << error.what();
    }
}

}  // namespace
