#include "glib_subprocess_adapter.hpp"

#include <csignal>
#include <cmath>
#include <string>
#include <vector>

#include "startjoin/adapter/program_child.hpp"

namespace startjoin::adapter::glib_subprocess {
namespace {

// A GError as the operation_error the protocol reports ("system": GLib's spawn or wait failed).
[[noreturn]] void throw_gerror(GError* error, const std::string& operation) {
    const std::string message = operation + ": " + (error ? error->message : "failed");
    g_clear_error(&error);
    throw operation_error("system", message);
}

// What one join(timeout) saw: the wait's completion, the timer's expiry.
struct timed_wait {
    bool done = false;
    bool exited = false;
    bool timed_out = false;
};

void on_wait_done(GObject* source, GAsyncResult* result, gpointer data) {
    auto* state = static_cast<timed_wait*>(data);
    // FALSE with G_IO_ERROR_CANCELLED when the timer cancelled the wait (GTask checks the
    // cancellable), TRUE once GLib has reaped the child.
    GError* error = nullptr;
    state->exited = g_subprocess_wait_finish(G_SUBPROCESS(source), result, &error) != FALSE;
    g_clear_error(&error);
    state->done = true;
}

gboolean on_timeout(gpointer data) {
    static_cast<timed_wait*>(data)->timed_out = true;
    return G_SOURCE_REMOVE;
}

}  // namespace

glib_subprocess_object::glib_subprocess_object(target what, std::string helper)
    : what_(std::move(what)), helper_(std::move(helper)) {}

// Dropping the object is g_object_unref(): GSubprocess holds a reference of its own until its
// child watch has reaped the child, so a running child neither dies nor stays a zombie.
glib_subprocess_object::~glib_subprocess_object() { g_clear_object(&subprocess_); }

GSubprocess* glib_subprocess_object::launched(const char* operation) const {
    if (closed_) {
        throw operation_error("closed", std::string(operation) +
                                            ": the GSubprocess was released (g_object_unref)");
    }
    // GLib has no process object before g_subprocess_newv(): the user's call would pass NULL,
    // which g_return_val_if_fail (G_IS_SUBPROCESS (subprocess)) refuses with a CRITICAL.
    if (subprocess_ == nullptr) {
        throw operation_error("invalid_state",
                              std::string(operation) +
                                  ": no GSubprocess before start() (GLib refuses a NULL one)");
    }
    return subprocess_;
}

// g_subprocess_newv() creates and launches at once. A second start() launches a second child and
// replaces the first reference, as `p = g_subprocess_newv (...)` after g_clear_object (&p) does:
// GLib neither refuses nor waits for the first child, and its child watch still reaps it.
void glib_subprocess_object::start() {
    if (closed_) launched("start()");
    std::vector<std::string> arguments = encode_target_arguments(what_);
    arguments.insert(arguments.begin(), helper_);
    std::vector<const gchar*> argv;
    for (const std::string& argument : arguments) argv.push_back(argument.c_str());
    argv.push_back(nullptr);
    GError* error = nullptr;
    // stdout and stderr are inherited by default; stdin too with this flag, as users who want
    // the child's console do. Descriptors above 2 are closed in the child (no INHERIT_FDS).
    GSubprocess* started =
        g_subprocess_newv(argv.data(), G_SUBPROCESS_FLAGS_STDIN_INHERIT, &error);
    if (started == nullptr) throw_gerror(error, "g_subprocess_newv");
    g_clear_object(&subprocess_);
    subprocess_ = started;
}

void glib_subprocess_object::join() {
    GError* error = nullptr;
    if (!g_subprocess_wait(launched("join()"), nullptr, &error)) {
        throw_gerror(error, "g_subprocess_wait");
    }
}

// GLib has no wait with a timeout. Its users wait asynchronously and run a main context with a
// timeout source until one of them fires, then cancel the wait if the timer won: exactly what
// g_subprocess_wait() does internally, plus the timer. A thread-default context of its own keeps
// the wait's completion in this thread, as g_subprocess_wait()'s does.
bool glib_subprocess_object::join(std::chrono::duration<double> timeout) {
    GSubprocess* subprocess = launched("join(timeout)");
    const double milliseconds = std::ceil(timeout.count() * 1000.0);
    const guint interval = milliseconds <= 0 ? 0u
                           : milliseconds >= G_MAXUINT ? G_MAXUINT
                                                       : static_cast<guint>(milliseconds);
    GMainContext* context = g_main_context_new();
    g_main_context_push_thread_default(context);
    GCancellable* cancellable = g_cancellable_new();
    timed_wait state;
    g_subprocess_wait_async(subprocess, cancellable, on_wait_done, &state);
    GSource* timer = g_timeout_source_new(interval);
    g_source_set_callback(timer, on_timeout, &state, nullptr);
    g_source_attach(timer, context);
    // A wait that completes in the same iteration as the timer counts: both were ready.
    while (!state.done && !state.timed_out) g_main_context_iteration(context, TRUE);
    if (!state.done) {
        g_cancellable_cancel(cancellable);  // completes the wait with FALSE, in this context
        while (!state.done) g_main_context_iteration(context, TRUE);
    }
    g_source_destroy(timer);
    g_source_unref(timer);
    g_object_unref(cancellable);
    g_main_context_pop_thread_default(context);
    g_main_context_unref(context);
    return state.exited;
}

// GSubprocess has no is_alive(); its identifier is NULL once GLib has reaped the child ("If the
// subprocess has terminated, this will return NULL"), which is how its users ask.
bool glib_subprocess_object::is_alive() {
    if (subprocess_ == nullptr && !closed_) return false;  // never started: no process
    return g_subprocess_get_identifier(launched("is_alive()")) != nullptr;
}

// The status getters are an error before the child is reaped (g_return_val_if_fail (pid == 0)),
// so a child GLib still considers running has no exit code.
std::optional<int> glib_subprocess_object::exitcode() {
    if (subprocess_ == nullptr && !closed_) return std::nullopt;
    GSubprocess* subprocess = launched("exitcode()");
    if (g_subprocess_get_identifier(subprocess) != nullptr) return std::nullopt;
    if (g_subprocess_get_if_exited(subprocess)) return g_subprocess_get_exit_status(subprocess);
    if (g_subprocess_get_if_signaled(subprocess)) return -g_subprocess_get_term_sig(subprocess);
    return std::nullopt;
}

// The identifier is the pid as a decimal string, and NULL after the child was reaped.
std::optional<long long> glib_subprocess_object::pid() {
    if (subprocess_ == nullptr && !closed_) return std::nullopt;
    const gchar* identifier = g_subprocess_get_identifier(launched("pid()"));
    if (identifier == nullptr) return std::nullopt;
    return std::stoll(identifier);
}

// Both signals are sent by GLib's worker thread, after the call returns, and only if the child
// has not been reaped (g_subprocess_dispatch_signal): race-free against pid reuse.
void glib_subprocess_object::terminate() {
    g_subprocess_send_signal(launched("terminate()"), SIGTERM);
}

void glib_subprocess_object::kill() { g_subprocess_force_exit(launched("kill()")); }

// g_object_unref(), like dropping the object: it neither refuses a running child nor waits for
// it. Releasing twice is g_clear_object()'s no-op.
void glib_subprocess_object::close() {
    g_clear_object(&subprocess_);
    closed_ = true;
}

glib_subprocess_implementation::glib_subprocess_implementation()
    : helper_(program_beside_this_one("startjoin-glib-child")) {}

// glib_*_version are the running library's version (plain variables, no GLib state).
description glib_subprocess_implementation::describe() const {
    return {.implementation = "glib-subprocess",
            .version = std::to_string(glib_major_version) + "." +
                       std::to_string(glib_minor_version) + "." +
                       std::to_string(glib_micro_version),
            .profile = "process",
            .features = {"join_timeout", "terminate", "kill", "close", "drop", "globals", "nest",
                         "orphan", "exec", "count_fds", "zombies", "join_threads", "getpid"}};
}

std::unique_ptr<process_object> glib_subprocess_implementation::create(target what) {
    return std::make_unique<glib_subprocess_object>(std::move(what), helper_);
}

}  // namespace startjoin::adapter::glib_subprocess
