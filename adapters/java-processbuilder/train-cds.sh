#!/bin/sh
# Builds the class data sharing archives (AppCDS) of the driver's and the child's classes: each
# runs once with -XX:ArchiveClassesAtExit, a driver session that creates, starts and joins a
# child, and a child that interprets a short target script. Run by CMake after the jar is built:
#   train-cds.sh JAVA CLASSPATH DRIVER-ARCHIVE CHILD-ARCHIVE WORK-DIRECTORY
# A JVM given an archive that is missing or no longer matches the class path (a jar rebuilt
# since) loads its classes as usual, silently: the archives only make start-up cheaper.
set -eu
java=$1 classpath=$2 driver_archive=$3 child_archive=$4 work=$5
flags="-Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
mkdir -p "$work"
rm -f "$driver_archive" "$child_archive"
script='[{"step":"trace","event":"ran"},{"step":"report_args"},{"step":"print","text":"out"},{"step":"eprint","text":"err"},{"step":"exit","code":3}]'
cat > "$work/requests" <<REQUESTS
{"id":1,"op":"create","process":"p1","script":$script,"args":[1,"a"]}
{"id":2,"op":"start","process":"p1"}
{"id":3,"op":"join","process":"p1","timeout":60}
{"id":4,"op":"join","process":"p1"}
{"id":5,"op":"exitcode","process":"p1"}
{"id":6,"op":"pid","process":"p1"}
{"id":7,"op":"shutdown"}
REQUESTS
export STARTJOIN_TRACE=/dev/null
# shellcheck disable=SC2086 # the flags are words
"$java" $flags -XX:ArchiveClassesAtExit="$driver_archive" -cp "$classpath" startjoin.javapb.Driver \
  3<"$work/requests" 4>"$work/replies" >"$work/driver.log" 2>&1
# shellcheck disable=SC2086
"$java" $flags -XX:ArchiveClassesAtExit="$child_archive" -cp "$classpath" startjoin.javapb.Child \
  p1 "$script" js 1 a >"$work/child.log" 2>&1 || [ $? -eq 3 ]
[ -s "$driver_archive" ] && [ -s "$child_archive" ] || {
  echo "train-cds.sh: no archive written; see $work/*.log" >&2
  exit 1
}
