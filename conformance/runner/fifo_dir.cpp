#include "fifo_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace startjoin::conformance {
namespace {

// Opening a FIFO read-write never blocks on Linux, and keeps both ends alive for as long as
// the runner holds it.
unique_fd make_fifo(const std::string& path, int extra_flags) {
    if (::mkfifo(path.c_str(), 0600) != 0) throw_errno("mkfifo " + path);
    unique_fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | extra_flags));
    if (!fd) throw_errno("open " + path);
    return fd;
}

}  // namespace

fifo_dir::fifo_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/startjoin-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) throw_errno("mkdtemp " + pattern);
    path_ = buffer.data();
    try {
        if (::mkdir(gates_path().c_str(), 0700) != 0) throw_errno("mkdir " + gates_path());
        trace_ = make_fifo(trace_path(), O_NONBLOCK);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
        throw;
    }
}

fifo_dir::~fifo_dir() {
    gates_.clear();
    trace_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

fifo_dir::case_channels fifo_dir::make_case_channels() {
    case_channels channels;
    channels.requests = make_fifo(channel_path("requests"), 0);
    const auto reading_end = [&](const char* name) {
        const std::string path = channel_path(name);
        if (::mkfifo(path.c_str(), 0600) != 0) throw_errno("mkfifo " + path);
        unique_fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (!fd) throw_errno("open " + path);
        return fd;
    };
    channels.replies = reading_end("replies");
    channels.out = reading_end("stdout");
    channels.err = reading_end("stderr");
    return channels;
}

void fifo_dir::ensure_gate(const std::string& name) {
    if (gates_.contains(name)) return;
    // Non-blocking, so releasing more waiters than the pipe holds fails instead of hanging.
    gates_.emplace(name, make_fifo(gates_path() + "/" + name, O_NONBLOCK));
}

void fifo_dir::release_gate(const std::string& name, int count) {
    const auto found = gates_.find(name);
    if (found == gates_.end()) throw std::logic_error("release of unknown gate '" + name + "'");
    const std::string tokens(static_cast<std::size_t>(count), 'x');
    ssize_t written;
    do {
        written = ::write(found->second.get(), tokens.data(), tokens.size());
    } while (written < 0 && errno == EINTR);
    if (written != static_cast<ssize_t>(tokens.size())) throw_errno("release of gate " + name);
}

}  // namespace startjoin::conformance
