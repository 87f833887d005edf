#include "unique_fd.hpp"

#include <fcntl.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace startjoin::conformance {

void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

pipe_pair make_pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("pipe2");
    return {unique_fd(ends[0]), unique_fd(ends[1])};
}

}  // namespace startjoin::conformance
