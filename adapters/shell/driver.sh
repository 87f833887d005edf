#!/usr/bin/env bash
# startjoin driver for bash's own start/join (spec/protocol.md, protocol v1):
#
#     start = `target ARGS... &` (the child is a subshell; its pid is $!)
#     join  = `wait "$pid"`            (bash's status encoding: 128+S for death by signal S)
#
# Usage: bash adapters/shell/driver.sh
#
# What is under test is bash itself: every child is a subshell created by `&` that interprets
# its target script in bash (printf, `exit N`, `kill -S $BASHPID`, ...), and every parent
# operation is the bash construct a script would use. What bash has no construct for is left
# out of the handshake, never emulated: join with a timeout (bash's `wait` cannot time out on
# one pid), close(), the daemon flag, names, and threads (join_threads).
#
# The protocol plumbing (parsing requests, validating and quoting scripts) is done by jq, in
# request.jq next to this file: jq turns each request into bash assignments that are eval'ed
# here. jq never runs in a child and never starts, waits for or signals anything.
#
# How bash's constructs map to the operations (see also the notes at each function):
#   create     stores the script and the arguments: bash has no process object, only a pid
#              variable, so nothing else exists until start.
#   start      `sj_child HANDLE ARGS... &`, pid=$!. A second start runs `&` again: bash has no
#              once-guard, so a second child starts ([start.once]).
#   join       `wait "$pid"`; before start, `wait ""` (an error: "not a pid or valid job spec").
#   exitcode   bash has no status accessor: null while `kill -0 "$pid"` succeeds, else the
#              status `wait "$pid"` returns (at once, for a child that has ended).
#   is_alive   `kill -0 "$pid"`, the usual idiom (false before start: `kill -0 ""` fails).
#   terminate  `kill -TERM "$pid"`; kill: `kill -KILL "$pid"`.
#   raise      `: "${raise:?MESSAGE}"`: the one error bash itself treats as fatal in a script
#              (an expansion error): MESSAGE on stderr, exit status 1.
#   the child  a shell function started with `&` (`target "$@" &`), so the script's arguments
#              are its real positional parameters. Note that bash 5.2 treats SIGINT differently
#              for `( ... ) &`, which ignores it (see the `signal` step).
#   exit codes bash reports 128+S for death by signal S; the driver translates 129..192 to -S.
#              bash itself cannot tell `exit 143` from death by SIGTERM: both read 143, and both
#              are reported as -15.

if ! command -v jq >/dev/null 2>&1; then
  echo "startjoin shell driver: jq is required for the protocol plumbing (apt-get install jq)" >&2
  exit 2
fi

SJ_DIR=${BASH_SOURCE[0]%/*}
[[ $SJ_DIR == "${BASH_SOURCE[0]}" ]] && SJ_DIR=.
SJ_FEATURES="terminate kill globals nest orphan exec count_fds zombies"

# Compiled target scripts (see request.jq): SJ_LEN[S] steps; step i of script S is
# SJ_KIND[S:i] with operands SJ_A1..SJ_A3[S:i]; SJ_FROM[S] is the JSON "from" of its events.
declare -A SJ_LEN=() SJ_FROM=() SJ_KIND=() SJ_A1=() SJ_A2=() SJ_A3=()
# Process handles: their script arguments (bash words, @sh-quoted) and, once started, the pid.
declare -A SJ_ARGS=() SJ_PID=()
# The protocol's global variables: ordinary shell variables of each process, keyed "g:NAME"
# (so that an empty name is a valid key). A child's copy is its own (fork).
declare -A SJ_GLOBALS=()
# Set in the serving driver only; a child clears it after closing fds 3 and 4.
SJ_HOLDS_CHANNELS=

# ---------------------------------------------------------------------------------------------
# Helpers shared by the parent and the children.
# ---------------------------------------------------------------------------------------------

# Sets REPLY to TEXT as a JSON string. Pure bash (no process), usable in any child.
sj_json_string() {
  local s=$1 code hex char escaped
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  if [[ $s == *[$'\001'-$'\037']* ]]; then
    for ((code = 1; code < 32; code++)); do
      printf -v hex %02x "$code"
      printf -v char %b "\\x$hex"
      printf -v escaped '\\u%04x' "$code"
      s=${s//"$char"/$escaped}
    done
  fi
  REPLY="\"$s\""
}

# Writes one trace event line: open the FIFO, one write (printf's single flush), close.
sj_trace() {
  printf '%s\n' "$1" >>"$STARTJOIN_TRACE"
}

# Waits on gate $1: reads exactly one byte from its FIFO. Returns non-zero if it was closed.
sj_take_byte() {
  local _
  IFS= read -r -N 1 _ <"$STARTJOIN_GATES/$1"
}

# Blocks without using the CPU: `read` on a pipe that nobody writes (this process holds both of
# its ends), for $1 seconds, or until a signal ends the process if $1 is absent. bash has no
# pause(), and an external `sleep` would outlive a child killed while waiting for it.
sj_block() {
  if [[ -z ${SJ_BLOCK_FD-} ]]; then
    exec {SJ_BLOCK_FD}<> <(:)
  fi
  if (($#)); then
    read -r -t "$1" -u "$SJ_BLOCK_FD" _
  else
    while :; do read -r -u "$SJ_BLOCK_FD" _; done
  fi
  return 0
}

# bash's status encoding to the spec's: 128+S (S in 1..64) is death by signal S.
sj_exitcode() {
  local status=$1
  if ((status > 128 && status <= 128 + 64)); then
    REPLY=$((128 - status))
  else
    REPLY=$status
  fi
}

# ---------------------------------------------------------------------------------------------
# The child: a subshell started with `&`, interpreting its script.
# ---------------------------------------------------------------------------------------------

# The target of a started process: script id $1, then the script's arguments as the function's
# own positional parameters (bash's only way to pass arguments: as strings).
sj_child() {
  if [[ -n $SJ_HOLDS_CHANNELS ]]; then
    SJ_HOLDS_CHANNELS=
    exec 3<&- 4>&-  # the protocol channels are the driver's (spec/protocol.md, "Channels")
    # So is the plumbing: a child holding jq's input would keep jq alive after the driver.
    exec {SJ_JQ_IN}>&- {SJ_JQ_OUT}<&-
  fi
  sj_run_script "$@"
}

sj_run_script() {
  local script=$1
  shift
  local i key from=${SJ_FROM[$script]}
  for ((i = 0; i < ${SJ_LEN[$script]}; i++)); do
    key="$script:$i"
    case ${SJ_KIND[$key]} in
      print) printf '%s\n' "${SJ_A1[$key]}" ;;
      eprint) printf '%s\n' "${SJ_A1[$key]}" >&2 ;;
      trace) sj_trace "${SJ_A1[$key]}" ;;
      wait)
        if ! sj_take_byte "${SJ_A1[$key]}"; then
          local gate_closed=
          : "${gate_closed:?gate ${SJ_A1[$key]} was closed without being released}"
        fi
        ;;
      sleep) sj_block "${SJ_A1[$key]}" ;;  # workload only
      exit) exit "${SJ_A1[$key]}" ;;
      raise)
        # bash's uncaught error: an expansion error, ${name:?message}, is fatal in a
        # non-interactive shell: it prints "...: raise: MESSAGE" on stderr and the (sub)shell
        # exits with status 1, running nothing after it. (`set -e` would exit silently.)
        local raise=
        : "${raise:?${SJ_A1[$key]}}"
        ;;
      signal)
        # bash 5.2 treats SIGINT differently by the form of `&`: `( ... ) &` and `{ ...; } &`
        # ignore SIGINT and SIGQUIT (job control is off in a script; POSIX "Asynchronous
        # Lists"), so `kill -INT` leaves them running; a function started with `&`, as here,
        # keeps bash's SIGINT handler, which re-raises it, so the child dies of SIGINT (unless
        # it is waiting for a foreground command, which decides). SIGQUIT stays ignored.
        kill -"${SJ_A1[$key]}" "$BASHPID"
        ;;
      report_args)
        local json='' arg
        for arg in "$@"; do
          sj_json_string "$arg"
          json+=${json:+,}$REPLY
        done
        sj_trace "{\"from\":$from,\"event\":\"args\",\"args\":[$json]}"
        ;;
      report_pid)
        # In a subshell, $PPID is the parent of the *original* shell; the child's own parent is
        # field 4 of /proc/$BASHPID/stat (fields counted after the command name's last ')').
        local stat fields
        IFS= read -r stat </proc/$BASHPID/stat
        read -r -a fields <<<"${stat##*) }"
        sj_trace "{\"from\":$from,\"event\":\"pid\",\"pid\":$BASHPID,\"ppid\":${fields[1]}}"
        ;;
      hang) sj_block ;;
      busy) while :; do :; done ;;  # pure bash: no system call
      set_global) SJ_GLOBALS["g:${SJ_A1[$key]}"]=${SJ_A2[$key]} ;;
      report_global)
        sj_trace "{\"from\":$from,\"event\":\"global\",\"name\":${SJ_A2[$key]},\"value\":${SJ_GLOBALS["g:${SJ_A1[$key]}"]-null}}"
        ;;
      nest)
        # A process of the same implementation: `&` and `wait`, like the driver's start/join.
        local -a nested_args
        eval "nested_args=(${SJ_A3[$key]})"
        sj_child "${SJ_A2[$key]}" "${nested_args[@]}" &
        local nested_pid=$!
        wait "$nested_pid"
        sj_exitcode $?
        local nested_code=$REPLY
        sj_json_string "${SJ_A1[$key]}"
        sj_trace "{\"from\":$from,\"event\":\"nested-exit\",\"process\":$REPLY,\"exitcode\":$nested_code}"
        ;;
      orphan)
        # A descendant this child never waits for. bash can only fork through `&` (or a
        # command substitution); it keeps every descriptor the child has.
        local gate=${SJ_A1[$key]}
        { sj_take_byte "$gate"; exit 0; } &
        sj_trace "{\"from\":$from,\"event\":\"orphan\",\"pid\":$!}"
        ;;
      exec)
        # Nothing to flush: bash's builtins write through at once. If the exec fails, a
        # non-interactive bash exits with 126 or 127 and a diagnostic.
        exec /bin/sh -c "${SJ_A1[$key]}"
        ;;
    esac
  done
  return 0  # the target returned
}

# ---------------------------------------------------------------------------------------------
# The parent: one function per operation. Each sets sj_value (JSON text, empty for none) or
# sj_error_kind and sj_error_message.
# ---------------------------------------------------------------------------------------------

sj_fail() {
  sj_error_kind=$1
  sj_error_message=$2
}

sj_has_feature() {
  [[ " $SJ_FEATURES " == *" $1 "* ]]
}

sj_op_create() {
  if [[ -n ${SJ_LEN[$sj_process]+set} ]]; then
    sj_fail bad_request "process '$sj_process' exists already"
    return
  fi
  if [[ -n ${sj_daemon+set} ]]; then
    sj_fail unsupported "create with 'daemon' needs feature 'daemon': bash has no daemon flag"
    return
  fi
  if [[ -n ${sj_name+set} ]]; then
    sj_fail unsupported "create with 'name' needs feature 'name': bash's jobs have no names"
    return
  fi
  eval "$sj_script_code"
  SJ_ARGS[$sj_process]=$sj_args_words
}

sj_op_start() {
  local -a args
  eval "args=(${SJ_ARGS[$sj_process]})"
  sj_child "$sj_process" "${args[@]}" &
  SJ_PID[$sj_process]=$!
}

sj_op_join() {
  if [[ -n ${sj_timeout+set} ]]; then
    sj_fail unsupported "join with a timeout needs feature 'join_timeout': bash's wait cannot time out on one pid"
    return
  fi
  local pid=${SJ_PID[$sj_process]-}
  if [[ -z $pid ]]; then
    # What `wait "$pid"` does with the pid variable still empty (in a command substitution,
    # to capture bash's message; it waits for nothing either way).
    sj_fail invalid_state "$(wait "" 2>&1)"
    return
  fi
  wait "$pid"
}

sj_op_exitcode() {
  local pid=${SJ_PID[$sj_process]-}
  if [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null; then
    sj_value=null
    return
  fi
  wait "$pid"
  sj_exitcode $?
  sj_value=$REPLY
}

sj_op_is_alive() {
  if kill -0 "${SJ_PID[$sj_process]-}" 2>/dev/null; then sj_value=true; else sj_value=false; fi
}

sj_op_pid() {
  sj_value=${SJ_PID[$sj_process]:-null}
}

# `kill -SIGNAL "$pid"`, run in a command substitution to capture bash's message; kill(2) is
# the same from there. Before start the pid is empty: "not a pid or valid job spec".
sj_send_signal() {
  local pid=${SJ_PID[$sj_process]-} message
  if ! message=$(kill -"$1" "$pid" 2>&1); then
    if [[ -z $pid ]]; then
      sj_fail invalid_state "$message"
    else
      sj_fail system "$message"  # e.g. "No such process": the child was reaped already
    fi
  fi
}

sj_op_terminate() { sj_send_signal TERM; }
sj_op_kill() { sj_send_signal KILL; }

sj_op_print() {
  if [[ $sj_stream == stderr ]]; then
    printf '%s\n' "$sj_text" >&2
  else
    printf '%s\n' "$sj_text"
  fi
}

sj_op_trace() { sj_trace "$sj_event_line"; }

sj_op_set_global() { SJ_GLOBALS["g:$sj_name"]=$sj_value_json; }
sj_op_get_global() { sj_value=${SJ_GLOBALS["g:$sj_name"]-null}; }

sj_op_count_fds() {
  # The glob lists /proc/self/fd from this very process, with the descriptor it reads it by.
  local -a fds=(/proc/self/fd/*)
  sj_value=$((${#fds[@]} - 1))
}

sj_op_zombies() {
  local file stat pids='' me=$$
  local -a fields
  for file in /proc/[0-9]*/stat; do
    { IFS= read -r stat <"$file"; } 2>/dev/null || continue  # gone meanwhile
    # "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so split after the last ')'.
    read -r -a fields <<<"${stat##*) }"
    if [[ ${fields[0]} == Z && ${fields[1]} == "$me" ]]; then
      file=${file#/proc/}
      pids+=" ${file%/stat}"
    fi
  done
  # Ascending, by insertion (the glob sorts as text).
  local -a sorted=()
  local pid i
  for pid in $pids; do
    for ((i = ${#sorted[@]}; i > 0 && sorted[i - 1] > pid; i--)); do
      sorted[i]=${sorted[i - 1]}
    done
    sorted[i]=$pid
  done
  local IFS=,
  sj_value="[${sorted[*]}]"
}

# The optional feature each op needs; ops of features not in SJ_FEATURES are unsupported.
declare -A SJ_OP_FEATURE=(
  [terminate]=terminate [kill]=kill [close]=close [set_daemon]=daemon [daemon]=daemon
  [name]=name [set_global]=globals [get_global]=globals [count_fds]=count_fds
  [zombies]=zombies [join_threads]=join_threads
)
SJ_PROCESS_OPS=" start join is_alive exitcode pid terminate kill close set_daemon daemon name join_threads "

sj_run_op() {
  local op=$sj_op feature=${SJ_OP_FEATURE[$sj_op]-}
  case $op in
    create | print | trace | shutdown | start | join | is_alive | exitcode | pid) ;;
    *)
      if [[ -z $feature ]]; then
        sj_fail bad_request "unknown op '$op'"
        return
      fi
      ;;
  esac
  if [[ -n $feature ]] && ! sj_has_feature "$feature"; then
    sj_fail unsupported "op '$op' needs feature '$feature', which bash's start/join does not have"
    return
  fi
  if [[ $SJ_PROCESS_OPS == *" $op "* ]]; then
    if [[ -z ${sj_process+set} ]]; then
      sj_fail bad_request "request lacks 'process'"
      return
    fi
    if [[ -z ${SJ_LEN[$sj_process]+set} ]]; then
      sj_fail bad_request "unknown process '$sj_process'"
      return
    fi
  fi
  case $op in
    shutdown) sj_shutdown=1 ;;
    *) "sj_op_$op" ;;
  esac
}

sj_send() {
  printf '%s\n' "$1" >&4
}

# Answers one request line.
sj_answer() {
  local line=$1 code
  local sj_id=null sj_op='' sj_value='' sj_error_kind='' sj_error_message=''
  local sj_process sj_script_code sj_args_words sj_daemon sj_name sj_timeout sj_text sj_stream
  local sj_event_line sj_value_json
  unset sj_process sj_script_code sj_args_words sj_daemon sj_name sj_timeout sj_text \
    sj_stream sj_event_line sj_value_json
  if ! printf '%s\n' "$line" >&"$SJ_JQ_IN" || ! IFS= read -r code <&"$SJ_JQ_OUT"; then
    sj_fail internal "jq, which reads the requests, has ended"
  else
    eval "$code"
  fi
  [[ -z $sj_error_kind ]] && sj_run_op
  if [[ -n $sj_error_kind ]]; then
    sj_json_string "$sj_error_message"
    sj_send "{\"id\":$sj_id,\"ok\":false,\"error\":{\"kind\":\"$sj_error_kind\",\"message\":$REPLY}}"
  elif [[ -n $sj_value ]]; then
    sj_send "{\"id\":$sj_id,\"ok\":true,\"value\":$sj_value}"
  else
    sj_send "{\"id\":$sj_id,\"ok\":true}"
  fi
}

# ---------------------------------------------------------------------------------------------
# Main: the handshake, then one reply per request until shutdown or end of file on fd 3.
# ---------------------------------------------------------------------------------------------

SJ_HOLDS_CHANNELS=1
# One jq for the driver's whole life (request.jq answers each request line with one line of
# bash). Its own copies of the protocol channels are closed: only the driver may hold them.
coproc SJ_JQ { exec 3<&- 4>&- jq --unbuffered -r -R --arg features "$SJ_FEATURES" -f "$SJ_DIR/request.jq"; }
# Copies under fixed names: bash clears the coproc's variables once it has ended.
exec {SJ_JQ_IN}>&"${SJ_JQ[1]}" {SJ_JQ_OUT}<&"${SJ_JQ[0]}"
eval "exec ${SJ_JQ[1]}>&- ${SJ_JQ[0]}<&-"
SJ_JQ_PROCESS=$SJ_JQ_PID
read -r -a features <<<"$SJ_FEATURES"
printf -v features_json '"%s",' "${features[@]}"
sj_send "{\"hello\":\"startjoin\",\"protocol\":1,\"implementation\":\"bash\",\"version\":\"$BASH_VERSION\",\"profile\":\"process\",\"features\":[${features_json%,}]}"
sj_shutdown=
while [[ -z $sj_shutdown ]] && IFS= read -r request <&3; do
  sj_answer "$request"
done
# The plumbing ends first, so that no jq outlives the driver to be taken for its child.
exec {SJ_JQ_IN}>&- {SJ_JQ_OUT}<&-
wait "$SJ_JQ_PROCESS" 2>/dev/null
# The script ends here, as any script's main code does: bash does not wait for its background
# jobs when it exits, so children still running are left to run on ([parent-exit.joins]).
