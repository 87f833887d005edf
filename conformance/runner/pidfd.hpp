// pidfd_open and pidfd_send_signal for C++. glibc 2.36 (Debian bookworm) declares them without
// __BEGIN_DECLS, so C++ would look for mangled names; fixed in glibc 2.37, harmless after.
#pragma once

#include <signal.h>

extern "C" {
#include <sys/pidfd.h>
}
