#include "support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>

namespace startjoin::testing {
namespace {

[[noreturn]] void throw_errno(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

void flush_everything() {
    std::fflush(nullptr);
    std::cout.flush();
    std::cerr.flush();
}

}  // namespace

double timeout_multiplier() {
    const char* text = std::getenv("STARTJOIN_TIMEOUT_MULTIPLIER");
    if (text == nullptr || *text == '\0') return 1.0;
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    return (end != text && value > 0) ? value : 1.0;
}

std::chrono::duration<double> scaled(std::chrono::duration<double> timeout) {
    return timeout * timeout_multiplier();
}

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

void unique_fd::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

pipe_pair::pipe_pair() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == -1) throw_errno("pipe2");
    read = unique_fd(fds[0]);
    write = unique_fd(fds[1]);
}

void gate::pass() const noexcept {
    char byte;
    while (::read(pipe_.read.get(), &byte, 1) == -1 && errno == EINTR) {
    }
}

void gate::open(int waiters) const {
    for (int i = 0; i < waiters; ++i) {
        if (!write_all(pipe_.write.get(), "x", 1)) throw_errno("write");
    }
}

bool write_all(int fd, const void* data, size_t size) noexcept {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written == -1) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes += written;
        size -= static_cast<size_t>(written);
    }
    return true;
}

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got == 0) return text;
        if (got == -1) {
            if (errno == EINTR) continue;
            throw_errno("read");
        }
        text.append(buffer, static_cast<size_t>(got));
    }
}

captured_fd::captured_fd(int fd) : fd_(fd) {
    flush_everything();  // Earlier output belongs to the real destination.
    saved_ = unique_fd(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (saved_.get() == -1) throw_errno("fcntl(F_DUPFD_CLOEXEC)");
    file_ = unique_fd(::memfd_create("startjoin-capture", MFD_CLOEXEC));
    if (file_.get() == -1) throw_errno("memfd_create");
    if (::dup2(file_.get(), fd) == -1) throw_errno("dup2");
}

captured_fd::~captured_fd() {
    if (saved_.get() >= 0) {
        try {
            finish();
        } catch (...) {
        }
    }
}

std::string captured_fd::peek() const {
    std::string text;
    char buffer[4096];
    off_t offset = 0;
    for (;;) {
        const ssize_t got = ::pread(file_.get(), buffer, sizeof buffer, offset);
        if (got <= 0) return text;
        text.append(buffer, static_cast<size_t>(got));
        offset += got;
    }
}

std::string captured_fd::finish() {
    flush_everything();
    if (saved_.get() >= 0) {
        if (::dup2(saved_.get(), fd_) == -1) throw_errno("dup2");
        saved_.reset();
    }
    return peek();
}

std::set<int> open_fds() {
    std::set<int> fds;
    DIR* directory = ::opendir("/proc/self/fd");
    if (directory == nullptr) throw_errno("opendir(/proc/self/fd)");
    const int own = ::dirfd(directory);
    while (const dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.') continue;
        const int fd = std::atoi(entry->d_name);
        if (fd != own) fds.insert(fd);
    }
    ::closedir(directory);
    return fds;
}

std::string fd_target(int fd) {
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    char buffer[256];
    const ssize_t length = ::readlink(link.c_str(), buffer, sizeof buffer);
    if (length == -1) return {};
    return std::string(buffer, static_cast<size_t>(length));
}

size_t count_occurrences(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size())) {
        ++count;
    }
    return count;
}

void ReferenceTest::TearDown() {
    // Zombies are reaped and reported. A running child is only reported: its pid is unknown
    // here, and killing the whole process group would take the test runner with it.
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            ADD_FAILURE() << "the test left an unreaped child behind: pid " << pid;
            continue;
        }
        if (pid == 0) ADD_FAILURE() << "the test left a running child behind";
        if (pid == -1 && errno != ECHILD) ADD_FAILURE() << "waitpid(-1): " << std::strerror(errno);
        return;
    }
}

}  // namespace startjoin::testing
