#include "shell_command.hpp"

#include <array>
#include <string_view>

namespace startjoin::conformance {
namespace {

// Words that are not programs: `exec WORD` would fail (exit 127) or change meaning.
constexpr std::array<std::string_view, 44> not_programs = {
    "!",      "{",     "}",     "(",       "if",      "then",     "else",  "elif", "fi",
    "case",   "esac",  "for",   "while",   "until",   "do",       "done",  "in",   "alias",
    "bg",     "break", "cd",    "chdir",   "command", "continue", "eval",  "exec", "exit",
    "export", "false", "fg",    "getopts", "hash",    "jobs",     "local", "read", "readonly",
    "return", "set",   "shift", "times",   "trap",    "unset",    ".",     ":"};

// True if the command has a ; & | or newline outside quotes: a list or a pipeline, which exec
// cannot run as one program.
bool has_unquoted_separator(std::string_view command) {
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote == '\'') {
            if (c == '\'') quote = 0;
        } else if (c == '\\') {
            ++i;  // the next character is literal, inside double quotes or out
        } else if (quote == '"') {
            if (c == '"') quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')') {
            return true;
        }
    }
    return quote != 0;  // unbalanced: leave it to the shell to say so
}

std::string_view first_word(std::string_view command) {
    const std::size_t start = command.find_first_not_of(" \t");
    if (start == std::string_view::npos) return {};
    const std::size_t end = command.find_first_of(" \t", start);
    return command.substr(start, end == std::string_view::npos ? end : end - start);
}

}  // namespace

std::string shell_command_line(const std::string& command) {
    const std::string_view word = first_word(command);
    if (word.empty() || has_unquoted_separator(command)) return command;
    if (word.find('=') != std::string_view::npos) return command;  // VAR=value program ...
    for (const std::string_view keyword : not_programs) {
        if (word == keyword) return command;
    }
    return "exec " + command;
}

}  // namespace startjoin::conformance
