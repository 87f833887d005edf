// write_report_file: a report replaces the previous one at once (rename), so that a reader or a
// killed run never leaves a half-written report; what is not a regular file is written in place.
#include "report_files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace startjoin::conformance {
namespace {

namespace fs = std::filesystem;

struct scratch_folder {
    fs::path path;
    scratch_folder() {
        std::string name = (fs::temp_directory_path() / "startjoin-report-files-XXXXXX").string();
        path = ::mkdtemp(name.data());
    }
    ~scratch_folder() { fs::remove_all(path); }
};

std::string contents(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), {}};
}

ino_t inode_of(const fs::path& path) {
    struct stat status {};
    EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
    return status.st_ino;
}

TEST(ReportFiles, AReportReplacesThePreviousOneWholeAndLeavesNothingBeside) {
    scratch_folder folder;
    const fs::path report = folder.path / "report.json";
    write_report_file("--report-json", report, "{\"old\": true, \"padding\": \"xxxxxxxxxxxx\"}");
    const ino_t before = inode_of(report);
    write_report_file("--report-json", report, "{\"new\": 1}");
    EXPECT_EQ(contents(report), "{\"new\": 1}");
    // A new file renamed over the old one: whoever had the old one open reads it whole.
    EXPECT_NE(inode_of(report), before);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder.path)) ++entries;
    EXPECT_EQ(entries, 1u) << "a temporary file was left beside the report";
}

TEST(ReportFiles, APipeIsWrittenInPlace) {
    scratch_folder folder;
    const fs::path fifo = folder.path / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // The reading end first, so that opening the FIFO for writing does not block.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    write_report_file("--report-json", fifo, "through the pipe");
    char buffer[64] = {};
    const ssize_t got = ::read(reader, buffer, sizeof buffer);
    ::close(reader);
    EXPECT_EQ(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0), "through the pipe");
    EXPECT_TRUE(fs::is_fifo(fifo)) << "the FIFO was replaced by a regular file";
}

}  // namespace
}  // namespace startjoin::conformance
