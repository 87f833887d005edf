#include "reaper.hpp"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "pidfd.hpp"
#include "unique_fd.hpp"

namespace startjoin::conformance {
namespace {

// The state and parent pid in /proc/PID/stat: the two fields after the command name, which
// ends at the last ')' (the name itself may contain spaces and parentheses). State '?' and
// parent -1 when the process is gone.
struct stat_fields {
    char state = '?';
    pid_t parent = -1;
};

stat_fields read_stat(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    stat_fields fields;
    if (!std::getline(stat, line)) return fields;
    const auto name_end = line.rfind(')');
    if (name_end == std::string::npos) return fields;
    std::istringstream rest(line.substr(name_end + 1));
    rest >> fields.state >> fields.parent;
    return fields;
}

std::set<pid_t>& spared() {
    // Never destroyed: case servers are stopped by static destructors too, in no fixed order.
    static auto* pids = new std::set<pid_t>;
    return *pids;
}

// The children of this process, from /proc/self/task/TID/children of each of its threads (an
// orphan is handed to one thread of its subreaper), less the spared ones.
//
// proc(5) warns that these lists may miss a child that is added or removed while they are read.
// Here nothing is removed during a read: children leave the list only when this thread reaps
// them, never concurrently (the runner reaps on one thread and never ignores SIGCHLD). Additions
// are orphans handed over to the subreaper, and the kernel hands over the children of an exiting
// process before that process can be reaped. So while any descendant lives, some child of ours is
// on the list (living, exiting or a zombie), and an empty list means that no descendant is left:
// no scan of all of /proc (twice per case, reading the stat file of every process on the machine)
// is needed to confirm it.
std::vector<pid_t> children_of_this_process() {
    std::vector<pid_t> children;
    const std::unique_ptr<DIR, int (*)(DIR*)> tasks(::opendir("/proc/self/task"), ::closedir);
    if (!tasks) return children;
    while (const dirent* entry = ::readdir(tasks.get())) {
        if (entry->d_name[0] == '.') continue;
        std::ifstream list(std::string("/proc/self/task/") + entry->d_name + "/children");
        for (pid_t child; list >> child;) {
            if (!spared().contains(child)) children.push_back(child);
        }
    }
    return children;
}

// Kills and reaps one child through a pidfd, so a slow death is bounded by the deadline.
bool kill_and_reap(pid_t child, clock::time_point deadline) {
    const unique_fd pidfd(::pidfd_open(child, 0));
    if (!pidfd) return errno == ESRCH;  // already reaped by someone else: nothing left
    ::pidfd_send_signal(pidfd.get(), SIGKILL, nullptr, 0);
    pollfd watch{pidfd.get(), POLLIN, 0};
    for (;;) {
        const int ready = ::poll(&watch, 1, poll_timeout(deadline));
        if (ready > 0) break;
        if (ready == 0) return false;
        if (errno != EINTR) return false;
    }
    siginfo_t info{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED) < 0 &&
           errno == EINTR) {
    }
    return true;
}

}  // namespace

int parent_of(int pid) { return read_stat(pid).parent; }
void spare_from_reaping(int pid) { spared().insert(pid); }
void stop_sparing(int pid) { spared().erase(pid); }

std::vector<int> living_children(clock::time_point settle) {
    std::vector<int> living;
    for (const pid_t child : children_of_this_process()) {
        if (read_stat(child).state == 'Z') continue;
        const unique_fd pidfd(::pidfd_open(child, 0));
        if (!pidfd) continue;  // gone meanwhile
        pollfd watch{pidfd.get(), POLLIN, 0};
        int ready;
        do {
            ready = ::poll(&watch, 1, poll_timeout(settle));
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) living.push_back(child);
    }
    return living;
}

void become_subreaper() {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
}

std::vector<std::string> reap_all_children(clock::time_point deadline) {
    std::vector<std::string> stuck;
    for (;;) {
        const std::vector<pid_t> children = children_of_this_process();
        if (children.empty()) return stuck;
        for (const pid_t child : children) {
            if (!kill_and_reap(child, deadline)) {
                stuck.push_back("pid " + std::to_string(child) + " did not die after SIGKILL");
            }
        }
        if (!stuck.empty() || clock::now() >= deadline) break;
    }
    if (stuck.empty()) stuck.push_back("children were still appearing when the deadline passed");
    return stuck;
}

}  // namespace startjoin::conformance
