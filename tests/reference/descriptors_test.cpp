// The pidfd: close-on-exec, held only while needed, never leaked.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "startjoin/process.hpp"
#include "support.hpp"

namespace startjoin::testing {
namespace {

class Descriptors : public ReferenceTest {};

std::set<int> added(const std::set<int>& before, const std::set<int>& after) {
    std::set<int> result;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                        std::inserter(result, result.end()));
    return result;
}

TEST_F(Descriptors, StartOpensOneCloseOnExecPidfdAndCloseReleasesIt) {
    gate release;
    const std::set<int> before = open_fds();
    Process process([&release] { release.pass(); });
    process.start();
    const std::set<int> opened = added(before, open_fds());
    ASSERT_EQ(opened.size(), 1u);
    const int fd = *opened.begin();
    EXPECT_EQ(fd_target(fd), "anon_inode:[pidfd]");
    const int flags = ::fcntl(fd, F_GETFD);
    ASSERT_NE(flags, -1);
    EXPECT_TRUE(flags & FD_CLOEXEC) << "a pidfd without close-on-exec leaks into exec'd programs";

    release.open();
    process.join();
    // Kept until close(), so threads still polling it never poll a closed or reused number.
    EXPECT_EQ(open_fds().count(fd), 1u);
    process.close();
    EXPECT_EQ(open_fds(), before);
}

TEST_F(Descriptors, NoDescriptorLeaksOverManyLifecycles) {
    const std::set<int> before = open_fds();
    for (int i = 0; i < 20; ++i) {
        Process closed_explicitly([] {});
        closed_explicitly.start();
        closed_explicitly.join();
        closed_explicitly.close();

        Process destroyed([] {});
        destroyed.start();
        destroyed.join();

        Process never_joined([] {});
        never_joined.start();  // The destructor joins it.
    }
    EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace startjoin::testing
