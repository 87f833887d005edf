// GLib's GSubprocess (gio-2.0) behind the C++ adapter interface.
//
// GSubprocess launches programs, not functions, so every child is the helper program
// startjoin-glib-child (child.cpp), which interprets the target script; the script and its
// arguments travel as the helper's argv (startjoin/adapter/program_child.hpp) through
// g_subprocess_newv(), which execs without a shell. See README.md for how each operation maps
// onto GLib and what the suite finds.
//
// No GLib state exists before the first start(): the worker thread that reaps children and the
// SIGCHLD handler are created by the first g_subprocess_newv(), which runs in a case parent,
// never in the case server that forks case parents (spec/protocol.md, "Cases").
#pragma once

#include <gio/gio.h>

#include <string>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter::glib_subprocess {

/// One GSubprocess*. create() holds none (GLib has no process object before the launch);
/// start() is g_subprocess_newv(); every other operation is the matching g_subprocess_* call.
class glib_subprocess_object : public process_object {
  public:
    glib_subprocess_object(target what, std::string helper);
    ~glib_subprocess_object() override;
    glib_subprocess_object(const glib_subprocess_object&) = delete;
    glib_subprocess_object& operator=(const glib_subprocess_object&) = delete;

    void start() override;
    void join() override;
    bool join(std::chrono::duration<double> timeout) override;
    bool is_alive() override;
    std::optional<int> exitcode() override;
    std::optional<long long> pid() override;
    void terminate() override;
    void kill() override;
    void close() override;

  private:
    /// The launched GSubprocess; throws what the user's call on a missing one amounts to.
    GSubprocess* launched(const char* operation) const;

    target what_;
    std::string helper_;
    GSubprocess* subprocess_ = nullptr;
    bool closed_ = false;
};

/// Creates glib_subprocess_object instances that run the helper found next to this program.
class glib_subprocess_implementation : public implementation {
  public:
    /// The helper is `startjoin-glib-child` in the directory of /proc/self/exe. Touches no
    /// GLib state.
    glib_subprocess_implementation();

    description describe() const override;
    std::unique_ptr<process_object> create(target what) override;

  private:
    std::string helper_;
};

}  // namespace startjoin::adapter::glib_subprocess
