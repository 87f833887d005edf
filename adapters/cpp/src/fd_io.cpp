#include "fd_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace startjoin::adapter::detail {

void write_all(int fd, const std::string& data, const char* what) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t written = ::write(fd, data.data() + done, data.size() - done);
        if (written < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), what);
        }
        done += static_cast<std::size_t>(written);
    }
}

std::optional<std::string> line_reader::next() {
    for (;;) {
        if (const auto end = pending_.find('\n'); end != std::string::npos) {
            std::string line = pending_.substr(0, end);
            pending_.erase(0, end + 1);
            return line;
        }
        char block[4096];
        const ssize_t got = ::read(fd_, block, sizeof block);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "read of protocol requests");
        }
        if (got == 0) {
            if (pending_.empty()) return std::nullopt;
            std::string last = std::move(pending_);  // a final line without '\n' still counts
            pending_.clear();
            return last;
        }
        pending_.append(block, static_cast<std::size_t>(got));
    }
}

}  // namespace startjoin::adapter::detail
