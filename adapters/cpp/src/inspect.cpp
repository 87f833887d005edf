#include "inspect.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

namespace startjoin::adapter::detail {
namespace {

struct dir_closer {
    void operator()(DIR* dir) const { ::closedir(dir); }
};
using dir_handle = std::unique_ptr<DIR, dir_closer>;

dir_handle open_directory(const char* path) {
    dir_handle dir(::opendir(path));
    if (!dir)
        throw std::system_error(errno, std::generic_category(), std::string("opendir ") + path);
    return dir;
}

// Calls `visit` with the name of each entry of `dir` but "." and "..".
template <class Visit>
void for_each_entry(DIR* dir, const char* path, const Visit& visit) {
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir);
        if (entry == nullptr) {
            if (errno != 0)
                throw std::system_error(errno, std::generic_category(),
                                        std::string("readdir ") + path);
            return;
        }
        const std::string name = entry->d_name;
        if (name != "." && name != "..") visit(name);
    }
}

bool is_number(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

int count_open_fds() {
    const dir_handle dir = open_directory("/proc/self/fd");
    const std::string own = std::to_string(::dirfd(dir.get()));
    int count = 0;
    for_each_entry(dir.get(), "/proc/self/fd", [&](const std::string& name) {
        if (name != own) ++count;
    });
    return count;
}

std::vector<pid_t> zombie_children() {
    const pid_t self = ::getpid();
    std::vector<pid_t> zombies;
    const dir_handle dir = open_directory("/proc");
    for_each_entry(dir.get(), "/proc", [&](const std::string& name) {
        if (!is_number(name)) return;
        // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields
        // after it start after the last ')'. A process that vanished meanwhile is skipped.
        std::ifstream stat("/proc/" + name + "/stat");
        std::string line;
        if (!std::getline(stat, line)) return;
        const auto comm_end = line.rfind(')');
        if (comm_end == std::string::npos) return;
        std::istringstream fields(line.substr(comm_end + 1));
        char state = 0;
        long ppid = 0;
        if (!(fields >> state >> ppid)) return;
        if (state == 'Z' && ppid == self) zombies.push_back(static_cast<pid_t>(std::stol(name)));
    });
    std::sort(zombies.begin(), zombies.end());
    return zombies;
}

}  // namespace startjoin::adapter::detail
