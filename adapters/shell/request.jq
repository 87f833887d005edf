# The protocol plumbing of adapters/shell/driver.sh: turns one request line (spec/protocol.md)
# into bash assignments that the driver evals. Only parsing, validation and quoting happen here;
# everything the implementation under test does (`&`, `wait`, `kill`, the child's steps) is in
# driver.sh, in bash. Every string reaches bash through `word` ($'...' quoting), so the eval runs
# no request data.
#
# The driver runs one jq for its whole life (a coprocess), not one per request: starting jq
# costs about 25 ms, which made a shell case take most of a second.
#
# Input: request lines (jq --raw-input, each parsed here so that malformed JSON gets its own
# error). Argument: $features, the driver's features, space-separated.
# Output: for each request, exactly one line of bash (statements joined by "; "; no quoted
# string spans lines), so the driver reads one line back per request. Always sj_id (the request's id as JSON text) and either sj_op plus the
# op's fields, or sj_error_kind and sj_error_message. For create, sj_args_words (the arguments
# as quoted bash words) and sj_script_code, the compiled script, which the driver evals
# only once it has accepted the create:
#   SJ_LEN[S]=N                       steps of script S ("p1"; nested: "p1/2", "p1/2/0", ...)
#   SJ_FROM[S]='"p1"'                 the JSON text of the trace events' "from"
#   SJ_KIND[S:i], SJ_A1[S:i], SJ_A2[S:i], SJ_A3[S:i]   step i: its kind and operands (below)

# A string as one bash word that stays on one line: ANSI-C quoting, with the backslash, the
# quote and every control character escaped (@sh would keep a newline as it is).
def word:
  def hex2: [(. / 16 | floor), (. % 16)] | map("0123456789abcdef"[.:. + 1]) | join("");
  "$'" + (explode
          | map(if . == 92 then "\\\\" elif . == 39 then "\\'"
                elif . < 32 or . == 127 then "\\x" + hex2 else [.] | implode end)
          | join("")) + "'";
def words: map(word) | join(" ");

def fail($kind; $message): error({kind: $kind, message: $message});
def bad($message): fail("bad_request"; $message);

def names_ok: type == "string" and test("^[A-Za-z0-9_.-]{1,64}$");
def feature_list: $features | split(" ");

# The optional feature each step needs (spec/protocol.md, "Features"); null: a base step.
def step_feature:
  {set_global: "globals", report_global: "globals", nest: "nest", orphan: "orphan",
   exec: "exec"}[.];
def base_steps:
  ["print", "eprint", "trace", "wait", "sleep", "exit", "raise", "signal", "report_args",
   "report_pid", "hang", "busy"];

# A JSON argument as bash sees it: bash has only strings, so numbers are written out in
# decimal and anything else as its JSON text. (This loses types; [start.arguments] says so.)
def as_word: if type == "string" then . else tojson end;

# A number of seconds >= 0 as W.FFFFFF (microseconds, rounded down), the form bash's `read -t`
# takes: tostring would write 1e-06.
def seconds_text: (floor | tostring) + "." + ((. - floor) * 1000000 | floor | tostring
                                             | "000000"[length:] + .);

# Validates the steps of one script and compiles them into assignments.
# $id: the script's id; $from: its "from" (a process handle); $where: "" or "step 2 (nest) > ".
def compile($id; $from; $where):
  if type != "array" then bad("\($where)script must be a JSON array of steps, got \(tojson)")
  else . end
  | to_entries
  | [ .[] as {key: $i, value: $step}
      | "\($where)step \($i)" as $position
      | if ($step | type) != "object" or ($step.step | type) != "string" then
          bad("\($position): must be an object with a string 'step', got \($step | tojson)")
        else . end
      | $step.step as $kind
      | if (base_steps | index([$kind])) == null and ($kind | step_feature) == null then
          fail("unsupported"; "\($position): unknown step '\($kind)'")
        else . end
      | "\($position) (\($kind))" as $at
      | def field($f): if $step | has($f) then $step[$f]
                       else bad("\($at): '\($f)' is missing") end;
        def text($f): field($f) | if type == "string" then .
                                  else bad("\($at): '\($f)' must be a string") end;
        def name($f): text($f) | if names_ok then .
                                 else bad("\($at): '\($f)' must match [A-Za-z0-9_.-]{1,64}") end;
        def integer($f; $low; $high):
          field($f) | if type == "number" and . == floor and . >= $low and . <= $high then .
                      else bad("\($at): '\($f)' must be an integer in \($low)..\($high)") end;
        def slot($a1; $a2; $a3): {kind: $kind, a1: $a1, a2: $a2, a3: $a3, nested: []};
      ( if $kind == "print" or $kind == "eprint" then slot(text("text"); ""; "")
        elif $kind == "trace" then
          # The whole event line, ready to write.
          slot({from: $from, event: text("event")} | tojson; ""; "")
        elif $kind == "wait" or $kind == "orphan" then slot(name("gate"); ""; "")
        elif $kind == "sleep" then
          # Fixed-point microseconds: jq writes small numbers as 1e-06, which `read -t` rejects.
          slot(field("seconds") | if type == "number" and . >= 0 then seconds_text
                                   else bad("\($at): 'seconds' must be a number >= 0") end; ""; "")
        elif $kind == "exit" then slot(integer("code"; 0; 255) | tostring; ""; "")
        elif $kind == "raise" then slot(text("message"); ""; "")
        elif $kind == "signal" then slot(integer("signal"; 1; 64) | tostring; ""; "")
        elif $kind == "set_global" then slot(text("name"); field("value") | tojson; "")
        elif $kind == "report_global" then slot(text("name"); text("name") | tojson; "")
        elif $kind == "exec" then slot(text("command"); ""; "")
        elif $kind == "nest" then
          name("process") as $process
          | field("script") as $script
          | (if $step | has("args") then $step.args else [] end) as $args
          | if ($script | type) != "array" then bad("\($at): 'script' must be a JSON array of steps")
            elif ($args | type) != "array" then bad("\($at): 'args' must be a JSON array")
            else . end
          | "\($id)/\($i)" as $nested_id
          | slot($process; $nested_id; [$args[] | as_word] | words)
          | .nested = ($script | compile($nested_id; $process; "\($at) > "))
        else slot(""; ""; "") end )
      | ($kind | step_feature) as $needs
      | if $needs != null and (feature_list | index([$needs])) == null then
          fail("unsupported"; "\($at) needs feature '\($needs)', which this driver does not support")
        else . end
      | {index: $i} + . ]
  | [ "SJ_LEN[\($id | word)]=\(length)",
      "SJ_FROM[\($id | word)]=\($from | tojson | word)",
      ( .[] | "\($id):\(.index)" as $key
        | "SJ_KIND[\($key | word)]=\(.kind | word)",
          "SJ_A1[\($key | word)]=\(.a1 | word)",
          "SJ_A2[\($key | word)]=\(.a2 | word)",
          "SJ_A3[\($key | word)]=\(.a3 | word)",
          .nested[] ) ];

def request_fields:
  def field($f): if has($f) then .[$f] else bad("request lacks '\($f)'") end;
  def text($f): field($f) | if type == "string" then . else bad("'\($f)' must be a string") end;
  def assign($var; $value): "\($var)=\($value | word)";
  .op as $op
  | [ assign("sj_op"; text("op")),
      (if has("process") then assign("sj_process"; text("process")) else empty end),
      ( if $op == "create" then
          text("process") as $handle
          | if ($handle | names_ok) then . else bad("'process' must match [A-Za-z0-9_.-]{1,64}") end
          | (if has("args") then .args else [] end) as $args
          | if ($args | type) != "array" then bad("'args' must be a JSON array") else . end
          | assign("sj_script_code"; field("script") | compile($handle; $handle; "") | join("\n")),
            assign("sj_args_words"; [$args[] | as_word] | words),
            (if has("daemon") then assign("sj_daemon"; .daemon | tojson) else empty end),
            (if has("name") then assign("sj_name"; text("name")) else empty end)
        elif $op == "join" and has("timeout") then
          assign("sj_timeout"; .timeout | if type == "number" then tostring
                                          else bad("'timeout' must be a number of seconds") end)
        elif $op == "print" then
          assign("sj_text"; text("text")),
          assign("sj_stream"; if has("stream") then .stream else "stdout" end
                              | if . == "stdout" or . == "stderr" then .
                                else bad("'stream' must be \"stdout\" or \"stderr\"") end)
        elif $op == "trace" then assign("sj_event_line"; {from: "parent", event: text("event")} | tojson)
        elif $op == "set_global" then assign("sj_name"; text("name")), assign("sj_value_json"; field("value") | tojson)
        elif $op == "get_global" then assign("sj_name"; text("name"))
        elif $op == "set_daemon" then assign("sj_daemon"; field("daemon") | tojson)
        else empty end ) ];

# One line of bash per request, however many statements it has.
. as $line
| [ (try ($line | fromjson) catch null) as $request
    | ($request | if type == "object" then (.id // null) else null end) as $id
    | "sj_id=\($id | tojson | word)",
      ( try
          ( if $request == null and ($line | test("^\\s*null\\s*$") | not) then
              bad("request is not JSON: \($line[0:200])")
            elif ($request | type) != "object" then bad("request must be a JSON object")
            else $request | request_fields[] end )
        catch
          ( if type == "object" and has("kind") then
              "sj_error_kind=\(.kind | word)", "sj_error_message=\(.message | word)"
            else "sj_error_kind='internal'", "sj_error_message=\(tostring | word)" end ) ) ]
| join("; ")
