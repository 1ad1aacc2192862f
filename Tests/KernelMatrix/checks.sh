#!/bin/sh
# The kernel matrix's checks: vmasnap against the kernel it runs on, with
# /proc/PID/maps, the fixture's own answers and readelf's build IDs and
# offsets (the file "expected", written on the build machine) as oracles.
# Scripts/kernel-matrix runs them under qemu on Debian 12's 6.1 and 6.12 and
# directly on the host's kernel, with busybox's tools each time.
#
#   checks.sh MATRIX WORK              every check, then "N passed, N failed"
#   checks.sh MATRIX WORK one NAME     one check, in the current folder
#
# MATRIX holds bin/vmasnap (static), bin/vmasnap-fixture, bin/run-as,
# lib/liba.so (a 20-byte build ID), lib/libb.so (32 bytes: more than the
# PROCMAP_QUERY ioctl reports, so vmasnap reads the note itself) and
# "expected" (lines "build_id FILE HEX", "entry FILE OFFSET", "segment FILE
# OFFSET" by file name). WORK is an empty folder for the checks' files.
#
# A check is a function: check_NAME runs as root, user_check_NAME as the
# unprivileged user (uid and gid 4711); defining one adds it, in file order.
# Each runs in its own process and folder under a time limit, and ends by
# returning (PASS, then the first line of ./note if it wrote one: what the
# kernel let it test) or calling `fail WHY` (FAIL NAME: WHY), from its folder
# or below. Its output goes to a log whose last lines are shown under a
# failure. KERNEL_MATRIX_GUEST is 1 in the guests, where a check may change
# machine-wide settings (sysctls such as perf_event_paranoid), and unset on
# the host, where it must not.

SELF=$0
MATRIX=$1
WORK=$2
VMASNAP=$MATRIX/bin/vmasnap
FIXTURE=$MATRIX/bin/vmasnap-fixture
RUN_AS=$MATRIX/bin/run-as
LIBA=$MATRIX/lib/liba.so
LIBB=$MATRIX/lib/libb.so
USER_ID=4711
TIME_LIMIT=${CHECK_TIME_LIMIT:-120}

# ---- Running checks ----

# The names of the functions in this file that start with $1.
checks_named() {
    sed -n "s/^\($1[a-z0-9_]*\)() *{.*/\1/p" "$SELF"
}

# run_check root|user NAME: runs one check in its own process; one line.
run_check() {
    dir=$WORK/$2
    mkdir -p "$dir"
    as=
    if [ "$1" = user ]; then
        chown "$USER_ID:$USER_ID" "$dir"
        as="$RUN_AS $USER_ID $USER_ID"
    fi
    began=$(uptime_centiseconds)
    (cd "$dir" && exec timeout "$TIME_LIMIT" $as sh "$SELF" "$MATRIX" "$WORK" one "$2" > log 2>&1)
    status=$?
    took=$(($(uptime_centiseconds) - began))
    shown=$(echo "$2" | sed 's/check_//')
    took="($((took / 100)).$((took / 10 % 10)) s)"
    if [ "$status" -eq 0 ]; then
        # A check may say in ./note what it covered (what the kernel let it test).
        note=
        [ ! -s "$dir/note" ] || note=": $(head -n 1 "$dir/note")"
        echo "PASS $shown $took$note"
        passed=$((passed + 1))
        return
    fi
    if [ -s "$dir/reason" ]; then
        why=$(head -1 "$dir/reason")
    elif [ "$status" -eq 124 ] || [ "$status" -eq 143 ]; then
        why="timed out after $TIME_LIMIT s"
    else
        why="exit status $status"
    fi
    echo "FAIL $shown: $why $took"
    tail -n 8 "$dir/log" | sed 's/^/    | /'
    # The check's files (recordings, outputs, its log), for a closer look:
    # Scripts/kernel-matrix unpacks them into its logs folder.
    echo "ARTIFACTS-BEGIN $shown"
    tar -cz -C "$dir" . | base64
    echo "ARTIFACTS-END"
    failed=$((failed + 1))
}

# Seconds since boot in hundredths, from /proc/uptime.
uptime_centiseconds() {
    read -r up idle < /proc/uptime
    echo $((${up%.*} * 100 + $(echo "${up#*.}" | sed 's/^0//')))
}

run_all() {
    passed=0
    failed=0
    # The user checks' "another user's process": this shell, run by root.
    ROOT_PID=$$
    export ROOT_PID
    echo "kernel $(uname -r), expected backend $(expected_backend)"
    for name in $(checks_named check_); do run_check root "$name"; done
    for name in $(checks_named user_check_); do run_check user "$name"; done
    echo "$passed passed, $failed failed"
}

# Ends the check as failed, for the reason given.
fail() {
    printf '%s\n' "$*" > "$CHECK_DIR/reason"
    echo "FAILED: $*"
    exit 1
}

BACKGROUND=
PARANOID=/proc/sys/kernel/perf_event_paranoid
PARANOID_SAVED=
VM_RUNNING=
cleanup() {
    for pid in $BACKGROUND $VM_RUNNING; do kill -9 "$pid" 2> /dev/null; done
    [ -z "$PARANOID_SAVED" ] || echo "$PARANOID_SAVED" > "$PARANOID"
}

run_one() {
    CHECK_DIR=$(pwd)
    trap cleanup EXIT
    trap 'exit 143' TERM INT
    EXPECTED_BACKEND=$(expected_backend)
    "$1"
}

# ---- Oracles and helpers ----

# The backend `auto` must choose: PROCMAP_QUERY came with Linux 6.11.
expected_backend() {
    release=$(uname -r)
    major=${release%%.*}
    rest=${release#*.}
    minor=${rest%%[!0-9]*}
    if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 11 ]; }; then
        echo ioctl
    else
        echo text
    fi
}

# What readelf said on the build machine: expected KIND FILE-NAME.
expected() {
    awk -v kind="$1" -v name="$2" '$1 == kind && $2 == name { print $3 }' "$MATRIX/expected"
}

# vm ARGS...: runs vmasnap (as the unprivileged user when AS_USER is
# "$RUN_AS UID GID"); stdout in ./out, stderr in ./err, status in $STATUS.
# In the background, waited for: the shell runs its TERM trap (the time
# limit's) only once a foreground command ends, and a hung vmasnap would
# otherwise hold the whole run; cleanup kills it.
AS_USER=
vm() {
    COMMAND="vmasnap $*${AS_USER:+ (as uid $USER_ID)}"
    $AS_USER "$VMASNAP" "$@" > out 2> err < /dev/null &
    VM_RUNNING=$!
    wait "$VM_RUNNING"
    STATUS=$?
    VM_RUNNING=
    echo "\$ $COMMAND  [exit $STATUS]"
    head -n 5 err
}

expect_status() {
    [ "$STATUS" -eq "$1" ] || fail "$COMMAND: exit status $STATUS, expected $1 ($(head -n 1 err))"
}

# Nothing on stderr.
expect_quiet() {
    [ ! -s err ] || fail "$COMMAND: unexpected stderr: $(head -n 1 err)"
}

# Exactly one line on stderr, "vmasnap: ...", containing $1 if given.
expect_one_error() {
    lines=$(wc -l < err)
    [ "$lines" -eq 1 ] || fail "$COMMAND: $lines lines on stderr, expected one: $(head -n 3 err | tr '\n' '|')"
    grep -q '^vmasnap: ' err || fail "$COMMAND: stderr is not 'vmasnap: ...': $(cat err)"
    [ -z "${1-}" ] || grep -qF -- "$1" err || fail "$COMMAND: expected \"$1\" in: $(cat err)"
}

# expect_error STATUS TEXT VMASNAP-ARGS...: fails with that status and one line.
expect_error() {
    want=$1
    text=$2
    shift 2
    vm "$@"
    expect_status "$want"
    expect_one_error "$text"
}

# json_fields KEY... < JSON LINES: per object, the values of those members
# (strings unquoted, "null" when absent), space-separated.
json_fields() {
    awk -v keys="$*" 'BEGIN { count = split(keys, key, " ") }
        {
            line = ""
            for (i = 1; i <= count; i++) {
                value = "null"
                if (match($0, "\"" key[i] "\":(\"[^\"]*\"|[^,}]*)")) {
                    value = substr($0, RSTART + length(key[i]) + 3, RLENGTH - length(key[i]) - 3)
                    gsub(/"/, "", value)
                }
                line = line (i > 1 ? " " : "") value
            }
            print line
        }'
}

# The value of member $1 of the JSON object on stdin.
json_value() {
    json_fields "$1" | head -n 1
}

# Nanoseconds of a time printed with nine decimals ("12.000000001").
ns() {
    fraction=$(echo "${1#*.}" | sed 's/^0*//')
    echo $((${1%.*} * 1000000000 + ${fraction:-0}))
}

# Nanoseconds as vmasnap takes times: seconds with nine decimals.
seconds() {
    printf '%d.%09d' $(($1 / 1000000000)) $(($1 % 1000000000))
}

# The executable, file-backed lines of /proc/PID/maps, as vmasnap prints
# them without the build ID: RANGE PERMS OFFSET DEV INODE PATH.
proc_exec_lines() {
    awk '$2 ~ /x/ && $6 ~ /^\// { print $1, $2, $3, $4, $5, $6 }' "/proc/$1/maps"
}

# vmasnap's maps text (./out) without the build ID.
vmasnap_lines() {
    awk '{ print $1, $2, $3, $4, $5, $7 }' out
}

# same WANT GOT WHAT: the two files are equal.
same() {
    cmp -s "$1" "$2" || fail "$3: $(diff "$1" "$2" | grep '^[-+][^-+]' | head -n 2 | tr '\n' ' ')"
}

# Every line of vmasnap's maps text (./out) has the build ID readelf read
# from its file.
expect_build_ids() {
    [ -s out ] || fail "$COMMAND printed nothing"
    while read -r range perms offset dev inode id path; do
        want=$(expected build_id "${path##*/}")
        [ -n "$want" ] || fail "no expected build ID for $path"
        [ "$id" = "$want" ] || fail "build ID of $path ($1): $id, readelf says $want"
    done < out
}

# expect_members KEY:VALUE...: the JSON object in ./out has those members.
expect_members() {
    keys=
    for member in "$@"; do keys="$keys ${member%%:*}"; done
    values="$(json_fields $keys < out) "
    for member in "$@"; do
        value=${values%% *}
        values=${values#* }
        [ "$value" = "${member#*:}" ] || fail "$COMMAND: ${member%%:*} is $value, expected ${member#*:}"
    done
}

# A pid with no process.
absent_pid() {
    pid=999999
    while [ -e "/proc/$pid" ]; do pid=$((pid + 1)); done
    echo "$pid"
}

# fixture_start [PREFIX...]: starts PREFIX... vmasnap-fixture with its
# commands and answers through fifos; sets FIXTURE_PID, and LAUNCHED to the
# pid of what was started (the prefix, if any).
fixture_start() {
    rm -f commands answers
    mkfifo commands answers
    "$@" "$FIXTURE" < commands > answers 2> launched.err &
    LAUNCHED=$!
    BACKGROUND="$BACKGROUND $LAUNCHED"
    exec 3> commands
    exec 4< answers
    ask ping
    FIXTURE_PID=${ANSWER#ok }
    BACKGROUND="$BACKGROUND $FIXTURE_PID"
}

# ask COMMAND...: sends a command to the fixture and waits for its answer,
# "ok ...", in $ANSWER; its fields in $1... after `set -- $ANSWER`.
ask() {
    echo "$*" >&3
    read -r ANSWER <&4 || fail "the fixture ended without answering '$*' ($(head -n 1 launched.err))"
    echo "fixture: $* -> $ANSWER"
    case $ANSWER in
        ok*) ;;
        *) fail "fixture: '$*' answered '$ANSWER'" ;;
    esac
}

# The file offset that address $2 has in process $1's mapping of file $3,
# from /proc/PID/maps; empty if no executable mapping of it covers it.
proc_file_offset() {
    address=$(($2))
    while read -r range perms offset dev inode path; do
        [ "$path" = "$3" ] || continue
        case $perms in *x*) ;; *) continue ;; esac
        start=$((0x${range%-*}))
        end=$((0x${range#*-}))
        if [ "$address" -ge "$start" ] && [ "$address" -lt "$end" ]; then
            printf '0x%x\n' $((address - start + 0x$offset))
        fi
    done < "/proc/$1/maps"
}

# The pids vmasnap's timeline text (./out) has a history for.
timeline_pids() {
    sed -n 's/^pid \([0-9]*\) .*/\1/p' out | sort -u
}

# The pids whose /proc/PID/maps this user can read and that have an
# executable file mapping.
readable_pids() {
    for directory in /proc/[0-9]*; do
        grep -qs ' ..x. .* /' "$directory/maps" && echo "${directory#/proc/}"
    done | sort -u
}

# ---- The example: a command that loads and unloads libraries ----

# The fixture's script, one answer a command. Each change is followed by
# 600 ms of stillness (twelve rounds at 50 ms): answer k's NOW ends the change
# it made, answer k+1's NOW ends the stillness after it.
#   1 ping  2 sleep  3 dlopen a  4 sleep  5 dlopen b  6 sleep  7 dlclose a
#   8 sleep  9 dlclose b  10 sleep  11 dlopen a  12 sleep  13 dlclose a  14 sleep
example_script() {
    echo "ping; sleep 600; dlopen $LIBA; sleep 600; dlopen $LIBB; sleep 600; dlclose 0; sleep 600;" \
        "dlclose 1; sleep 600; dlopen $LIBA; sleep 600; dlclose 0; sleep 600"
}

# Records the example once per run (as root) in $WORK/example, then reads
# its answers: PID, NOW1..NOW14 (NOW of answer k), and the r-x segment and
# fixture_entry address of each load (A_START A_END A_CODE, B_..., A2_...).
example_recording() {
    EXAMPLE=$WORK/example
    if [ ! -e "$EXAMPLE/status" ]; then
        mkdir -p "$EXAMPLE"
        "$VMASNAP" record -o "$EXAMPLE/rec" --interval 50ms -- "$FIXTURE" --script "$(example_script)" \
            > "$EXAMPLE/answers" 2> "$EXAMPLE/err"
        echo $? > "$EXAMPLE/status"
    fi
    status=$(cat "$EXAMPLE/status")
    [ "$status" -eq 0 ] || fail "vmasnap record -- vmasnap-fixture: exit status $status ($(head -n 1 "$EXAMPLE/err"))"
    [ "$(wc -l < "$EXAMPLE/answers")" -eq 14 ] || fail "the example answered $(wc -l < "$EXAMPLE/answers") lines, expected 14"
    k=1
    while read -r line; do
        case $line in ok*) ;; *) fail "the example's answer $k: $line" ;; esac
        set -- $line
        shift $(($# - 1))
        eval "NOW$k=\$1"
        k=$((k + 1))
    done < "$EXAMPLE/answers"
    PID=$(sed -n 1p "$EXAMPLE/answers" | cut -d' ' -f2)
    set -- $(sed -n 3p "$EXAMPLE/answers")
    A_START=$3 A_END=$4 A_CODE=$5
    set -- $(sed -n 5p "$EXAMPLE/answers")
    B_START=$3 B_END=$4 B_CODE=$5
    set -- $(sed -n 11p "$EXAMPLE/answers")
    A2_START=$3 A2_END=$4 A2_CODE=$5
    # Among the check's own files, should it fail.
    cp "$EXAMPLE/rec" "$EXAMPLE/answers" .
}

# ---- Root checks ----

# `maps` prints exactly the executable file-backed lines of /proc/PID/maps.
check_maps_match_proc() {
    fixture_start
    ask dlopen "$LIBA"
    ask dlopen "$LIBB"
    vm maps -p "$FIXTURE_PID"
    expect_status 0
    expect_quiet
    proc_exec_lines "$FIXTURE_PID" > want
    vmasnap_lines > got
    grep -q "$LIBB" want || fail "libb.so is not in /proc/$FIXTURE_PID/maps"
    same want got "vmasnap maps differs from /proc/$FIXTURE_PID/maps"
}

# Every mapping's build ID is the one readelf reads from the file: libb.so's
# 32-byte note is more than the ioctl reports, so vmasnap reads it itself.
check_maps_build_ids() {
    fixture_start
    ask dlopen "$LIBA"
    ask dlopen "$LIBB"
    vm maps -p "$FIXTURE_PID"
    expect_status 0
    expect_build_ids "auto backend"
}

# `maps --json`: the backend auto chose, and the same mappings.
check_maps_json() {
    fixture_start
    ask dlopen "$LIBA"
    vm maps -p "$FIXTURE_PID" --json
    expect_status 0
    expect_members "backend:$EXPECTED_BACKEND"
    pid=$(sed -n 's/^{"pid":\([0-9]*\),.*/\1/p' out)
    [ "$pid" = "$FIXTURE_PID" ] || fail "maps --json: pid is $pid, expected $FIXTURE_PID"
    count=$(grep -o '"start":' out | wc -l)
    want=$(proc_exec_lines "$FIXTURE_PID" | wc -l)
    [ "$count" -eq "$want" ] || fail "maps --json: $count mappings, /proc/$FIXTURE_PID/maps has $want"
    grep -q "\"path\":\"$LIBA\",\"build_id\":\"$(expected build_id liba.so)\"" out ||
        fail "maps --json: no liba.so with its build ID: $(head -c 200 out)"
}

# `query`: a function in a loaded library resolves to its file and the
# offset /proc/PID/maps and readelf give; a data page of the same library
# and an unmapped address are "not mapped".
check_query_live() {
    fixture_start
    ask dlopen "$LIBA"
    set -- $ANSWER
    code=$5
    offset=$(proc_file_offset "$FIXTURE_PID" "$code" "$LIBA")
    [ "$offset" = "$(expected entry liba.so)" ] ||
        fail "/proc maps gives offset $offset for fixture_entry, readelf $(expected entry liba.so)"
    data=$(awk -v path="$LIBA" '$6 == path && $2 !~ /x/ { print "0x" substr($1, 1, index($1, "-") - 1); exit }' "/proc/$FIXTURE_PID/maps")
    [ -n "$data" ] || fail "no data mapping of liba.so in /proc/$FIXTURE_PID/maps"
    vm query -p "$FIXTURE_PID" "$code" "$data" 0x1000
    expect_status 0
    {
        echo "$code $LIBA+$offset $(expected build_id liba.so)"
        echo "$data not mapped"
        echo "0x1000 not mapped"
    } > want
    same want out "vmasnap query"
    vm query -p "$FIXTURE_PID" --json "$code" 0x1000
    expect_status 0
    line=$(sed -n 1p out)
    [ "$(echo "$line" | json_value status)" = mapped ] || fail "query --json: $line"
    [ "$(echo "$line" | json_value file_offset)" = "$offset" ] || fail "query --json: file_offset is not $offset: $line"
    [ "$(sed -n 2p out | json_value status)" = unmapped ] || fail "query --json: $(sed -n 2p out)"
}

# `auto` chooses the ioctl where the kernel has it (6.11+), text before,
# for live maps and for a recording.
check_auto_backend() {
    fixture_start
    vm maps -p "$FIXTURE_PID" --json --backend auto
    expect_status 0
    expect_members "backend:$EXPECTED_BACKEND"
    vm record -p "$FIXTURE_PID" --duration 200ms -o rec
    expect_status 0
    vm info rec --json
    expect_status 0
    expect_members "backend:$EXPECTED_BACKEND" "kernel_release:$(uname -r)"
}

# `--backend ioctl`: refused before 6.11 (status 5, the README's one line,
# no output, no file); from 6.11 on, the same mappings as the text backend.
check_forced_ioctl_backend() {
    fixture_start
    ask dlopen "$LIBA"
    if [ "$EXPECTED_BACKEND" = text ]; then
        message="vmasnap: this kernel ($(uname -r)) has no PROCMAP_QUERY ioctl (Linux 6.11 or later); use --backend text"
        for command in "maps -p $FIXTURE_PID" "query -p $FIXTURE_PID 0x1000" "record -p $FIXTURE_PID --duration 200ms -o rec"; do
            vm $command --backend ioctl
            expect_status 5
            [ "$(cat err)" = "$message" ] || fail "$COMMAND: stderr \"$(cat err)\", expected \"$message\""
            [ ! -s out ] || fail "$COMMAND printed $(head -n 1 out)"
        done
        [ ! -e rec ] || fail "record --backend ioctl created its output file when refused"
    else
        vm maps -p "$FIXTURE_PID" --backend ioctl
        expect_status 0
        mv out ioctl.out
        vm maps -p "$FIXTURE_PID" --backend text
        expect_status 0
        same ioctl.out out "maps --backend ioctl and --backend text differ"
        vm record -p "$FIXTURE_PID" --duration 200ms -o rec --backend ioctl
        expect_status 0
        vm info rec --json
        expect_members backend:ioctl
    fi
}

# `--backend text` works on every kernel: the lines of /proc/PID/maps, the
# build IDs from the files (through /proc/PID/map_files).
check_forced_text_backend() {
    fixture_start
    ask dlopen "$LIBA"
    ask dlopen "$LIBB"
    vm maps -p "$FIXTURE_PID" --backend text
    expect_status 0
    expect_quiet
    proc_exec_lines "$FIXTURE_PID" > want
    vmasnap_lines > got
    same want got "vmasnap maps --backend text differs from /proc/$FIXTURE_PID/maps"
    expect_build_ids "text backend"
    vm record -p "$FIXTURE_PID" --duration 200ms -o rec --backend text
    expect_status 0
    vm info rec --json
    expect_members backend:text
}

# `record -- COMMAND`: the command's status, the summary line (with its
# events part: events are on by default where permitted, and root is), a
# private file with one process and a footer.
check_record_command() {
    example_recording
    summary=$(tail -n 1 "$EXAMPLE/err")
    case $summary in
        "[ vmasnap record: Captured and wrote "*" MB $EXAMPLE/rec ("*" snapshots of 1 process, "*" changes; events: "*") ]") ;;
        *) fail "record's summary line: $summary" ;;
    esac
    [ -n "$(events_summary "$EXAMPLE/err")" ] || fail "record's summary line has no events part: $summary"
    [ "$(wc -l < "$EXAMPLE/err")" -eq 1 ] || fail "record printed more than its summary: $(head -n 1 "$EXAMPLE/err")"
    mode=$(stat -c %a "$EXAMPLE/rec")
    [ "$mode" = 600 ] || fail "the recording's mode is $mode, expected 600"
    vm info "$EXAMPLE/rec" --json
    expect_status 0
    expect_members processes:1 truncated:false index:footer "backend:$EXPECTED_BACKEND"
    vm info "$EXAMPLE/rec"
    expect_status 0
    grep -q "^cut short: *no" out || fail "info (text) does not say 'cut short: no'"
}

# `timeline`: every load and unload of the two libraries, in order, with
# the fixture's ranges, readelf's build IDs and segment offsets, each dated
# at the first snapshot after the change: no snapshot between the change's
# end and the event (a walk begun then would have seen it), and not before
# the change began (less 200 ms: a walk that saw it may have begun earlier).
check_timeline_loads_unloads() {
    example_recording
    vm timeline "$EXAMPLE/rec" --pid "$PID" --json
    expect_status 0
    expect_quiet
    grep 'lib[ab]\.so' out | json_fields event path build_id start end offset time > events
    : > want
    for event in "load liba 3 $A_START $A_END" "load libb 5 $B_START $B_END" "unload liba 7 $A_START $A_END" \
        "unload libb 9 $B_START $B_END" "load liba 11 $A2_START $A2_END" "unload liba 13 $A2_START $A2_END"; do
        set -- $event
        echo "$1 $MATRIX/lib/$2.so $(expected build_id "$2.so") $4 $5 $(expected segment "$2.so") $3" >> want
    done
    cut -d' ' -f1-6 events > got
    cut -d' ' -f1-6 want > want.events
    same want.events got "timeline (event path build_id start end offset)"
    example_snapshots
    k=0
    while read -r event path id start end offset line; do
        k=$((k + 1))
        time=$(ns "$(sed -n "${k}p" events | cut -d' ' -f7)")
        eval "began=\$NOW$((line - 1)) ended=\$NOW$line"
        low=$((began - 200000000))
        [ "$time" -ge "$low" ] ||
            fail "timeline event $k ($event ${path##*/}) at $(seconds "$time"), before the change began ($(seconds "$began"), less 200 ms)"
        missed=$(awk -v ended="$ended" -v time="$time" '$1 > ended && $1 < time { print; exit }' snapshots)
        [ -z "$missed" ] ||
            fail "timeline event $k ($event ${path##*/}) at $(seconds "$time"), but the snapshot at $(seconds "$missed") came after the change ($(seconds "$ended"))"
    done < want
}

# The snapshot times (seconds) of the one process of a recording, from its
# `dump --json` (Formats/vmasnap.md, 3.2 and 3.3): the time of each KEYFRAME
# and DELTA, and of each round in which it had none (a ROUND's time, a
# QUIET's first and last).
snapshot_times() {
    awk 'function time_of(name) {
            if (!match($0, "\"" name "\":[0-9.]+")) return ""
            return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
        }
        function unchanged() { if (round != "") print round; round = "" }
        /"type":"round"/ { unchanged(); round = time_of("time_s"); next }
        /"type":"quiet"/ { unchanged(); print time_of("first_time_s"); print time_of("last_time_s"); next }
        /"type":"(keyframe|delta)"/ { round = ""; print time_of("time_s"); next }
        /"type":"gone"/ { round = ""; next }
        END { unchanged() }'
}

# ./snapshots: the example process's snapshot times in nanoseconds, sorted.
example_snapshots() {
    vm dump "$EXAMPLE/rec" --json
    expect_status 0
    snapshot_times < out > snapshot-seconds
    : > unsorted
    while read -r time; do ns "$time" >> unsorted; done < snapshot-seconds
    sort -n unsorted > snapshots
}

# Sets STILL3, STILL5, ... STILL13: a time (ns) in the still period after
# answer k of the example, at which the snapshot in effect and the next one
# both hold the state change k made. Rounds can come late on a busy machine,
# so the time comes from the recording's own snapshots: halfway between the
# one that first saw change k (as the timeline dates it) and the next, which
# must come before the next change was seen.
example_still_times() {
    vm timeline "$EXAMPLE/rec" --pid "$PID" --json
    grep 'lib[ab]\.so' out | json_fields time > events
    [ "$(wc -l < events)" -eq 6 ] || fail "the timeline does not have the 6 events (see timeline_loads_unloads)"
    k=3
    while read -r time; do
        eval "SEEN$k=$(ns "$time")"
        k=$((k + 2))
    done < events
    example_snapshots
    for k in 3 5 7 9 11 13; do
        eval "seen=\$SEEN$k next=\${SEEN$((k + 2)):-}"
        after=$(awk -v seen="$seen" '$1 > seen { print; exit }' snapshots)
        [ -n "$after" ] && { [ -z "$next" ] || [ "$after" -lt "$next" ]; } ||
            fail "the 50 ms recording took no round between $(seconds "$seen") and ${next:+$(seconds "$next")} (after answer $k): the machine is too busy"
        eval "STILL$k=$(((seen + after) / 2))"
    done
}

# `lookup` at known times: exact answers (file, readelf's offset, build ID)
# in each still period, unmapped once unloaded, and the statuses before,
# after and outside the process.
check_lookup_known_times() {
    example_recording
    example_still_times
    vm info "$EXAMPLE/rec" --json
    set -- $(json_fields first_time_s last_time_s < out)
    first=$(ns "$1")
    last=$(ns "$2")
    entry_a=$(expected entry liba.so)
    entry_b=$(expected entry libb.so)
    exact_a="exact $entry_a $(expected build_id liba.so) $LIBA"
    exact_b="exact $entry_b $(expected build_id libb.so) $LIBB"
    : > queries
    : > want
    # query PID NANOSECONDS ADDRESS ANSWER
    query() { echo "$1 $(seconds "$2") $3" >> queries; echo "$1 $3 $4" >> want; }
    query "$PID" "$STILL3" "$A_CODE" "$exact_a"
    query "$PID" "$STILL5" "$A_CODE" "$exact_a"
    query "$PID" "$STILL5" "$B_CODE" "$exact_b"
    query "$PID" "$STILL7" "$A_CODE" unmapped
    query "$PID" "$STILL7" "$B_CODE" "$exact_b"
    query "$PID" "$STILL9" "$B_CODE" unmapped
    query "$PID" "$STILL11" "$A2_CODE" "$exact_a"
    query "$PID" "$STILL13" "$A2_CODE" unmapped
    query "$PID" "$STILL5" 0xffffffff81000000 kernel
    query "$PID" $((first - 500000000)) "$A_CODE" before-first-snapshot
    query "$PID" $((last + 1000000000)) "$A_CODE" after-exit
    query "$(absent_pid)" "$STILL5" "$A_CODE" unknown-pid
    "$VMASNAP" lookup "$EXAMPLE/rec" --stdin < queries > out 2> err
    STATUS=$?
    COMMAND="vmasnap lookup --stdin"
    expect_status 0
    expect_quiet
    cut -d' ' -f1,3- out > got
    same want got "lookup --stdin"
    vm lookup "$EXAMPLE/rec" --pid "$PID" --time "$(seconds "$STILL5")" --json "$B_CODE"
    expect_status 0
    expect_members status:exact "path:$LIBB" "file_offset:$entry_b" "start:$B_START" "end:$B_END"
}

# `diff` between two still periods: liba.so removed, libb.so added.
check_diff_between_times() {
    example_recording
    example_still_times
    vm diff "$EXAMPLE/rec" --from "$(seconds "$STILL3")" --to "$(seconds "$STILL7")" --pid "$PID" --json
    expect_status 0
    grep -c '"change"' out > count
    [ "$(cat count)" -eq 2 ] || fail "diff: $(cat count) changes, expected 2 (liba.so removed, libb.so added): $(cut -c 1-80 out | tr '\n' '|')"
    grep '"change":"removed"' out | grep -q "\"path\":\"$LIBA\"" || fail "diff: liba.so not removed"
    grep '"change":"added"' out | grep -q "\"path\":\"$LIBB\"" || fail "diff: libb.so not added"
}

# `record -a`: every process readable throughout is in the recording, and a
# library loaded mid-recording is seen and resolvable.
check_record_all_processes() {
    fixture_start
    ask dlopen "$LIBA"
    readable_pids > before
    "$VMASNAP" record -a --interval 250ms --duration 2s -o rec > record.out 2> record.err &
    recorder=$!
    BACKGROUND="$BACKGROUND $recorder"
    sleep 0.8
    ask dlopen "$LIBB"
    set -- $ANSWER
    code=$5
    wait "$recorder"
    status=$?
    COMMAND="vmasnap record -a"
    STATUS=$status
    cp record.err err
    expect_status 0
    readable_pids > after
    grep -Fxf after before > throughout
    vm timeline rec
    expect_status 0
    timeline_pids > recorded
    missing=$(grep -vxFf recorded throughout | tr '\n' ' ')
    [ -z "$missing" ] || fail "record -a: processes readable throughout but not recorded: $missing"
    grep -qx "$FIXTURE_PID" recorded || fail "record -a: the fixture ($FIXTURE_PID) is not recorded"
    vm timeline rec --pid "$FIXTURE_PID" --json
    seen=$(grep "\"event\":\"load\",\"path\":\"$LIBB\"" out | json_fields time)
    [ -n "$seen" ] || fail "record -a: libb.so's load is not in the fixture's timeline"
    # At the snapshot that saw it (nothing changes after it).
    vm lookup rec --pid "$FIXTURE_PID" --time "$seen" "$code"
    expect_status 0
    [ "$(cut -d' ' -f4,5,7 out)" = "exact $(expected entry libb.so) $LIBB" ] || fail "record -a: lookup of libb.so's code: $(cat out)"
}

# A recorder killed with SIGKILL leaves a file that reads up to the cut:
# `info` says so, `timeline` and `lookup` warn once and answer.
check_recorder_sigkilled() {
    fixture_start "$VMASNAP" record -o rec --interval 20ms --
    recorder=$LAUNCHED
    ask dlopen "$LIBA"
    set -- $ANSWER
    code=$5
    ask sleep 2000    # past the next flush (at least once a second)
    ask time
    killed=${ANSWER#ok }
    kill -9 "$recorder"
    wait "$recorder" 2> /dev/null
    ask dlclose 0
    vm info rec --json
    expect_status 0
    expect_members truncated:true index:rebuilt
    vm timeline rec --pid "$FIXTURE_PID" --json
    expect_status 0
    expect_one_error
    seen=$(grep "\"event\":\"load\",\"path\":\"$LIBA\"" out | json_fields time)
    [ -n "$seen" ] || fail "timeline of a SIGKILLed recording: no load of liba.so"
    [ "$(ns "$seen")" -lt "$killed" ] || fail "timeline of a SIGKILLed recording: liba.so loaded at $seen, after the kill"
    ! grep -q "\"event\":\"unload\",\"path\":\"$LIBA\"" out || fail "timeline of a SIGKILLed recording: an unload after the cut"
    # At the snapshot that saw the load: the fixture changed nothing until the cut.
    vm lookup rec --pid "$FIXTURE_PID" --time "$seen" "$code"
    expect_status 0
    expect_one_error
    [ "$(cut -d' ' -f4,5,7 out)" = "exact $(expected entry liba.so) $LIBA" ] || fail "lookup in a SIGKILLed recording: $(cat out)"
}

# Files that are not recordings: status 4 and one line (for /proc/version,
# which cannot be sized with lseek, a clear I/O error is also accepted).
check_info_not_a_recording() {
    echo '#!/bin/sh' > script
    : > empty
    expect_error 4 "" info script
    expect_error 4 "" info empty
    expect_error 1 "No such file" info absent
    vm info /proc/version
    if [ "$STATUS" -ne 4 ]; then
        expect_status 1
        expect_one_error
        ! grep -q "EINVAL" err || fail "$COMMAND: exit status 1 with \"$(cat err)\", expected status 4 (not a recording) or a clear I/O error"
    fi
    expect_one_error
}

# `record --duration 2s --interval 1s` takes rounds at 0 s, 1 s and 2 s:
# the recording ends with a round at its end.
check_record_duration_ends_with_round() {
    fixture_start
    vm record -p "$FIXTURE_PID" --duration 2s --interval 1s -o rec
    expect_status 0
    vm info rec --json
    set -- $(json_fields rounds duration_s < out)
    rounds=$1
    duration=$2
    [ "$rounds" -ge 3 ] && [ "$(ns "$duration")" -ge 1900000000 ] ||
        fail "record --duration 2s --interval 1s: $rounds rounds over $duration s, expected a round at the end (0 s, 1 s, 2 s)"
}

# Bad pids and arguments: the documented status and one line each.
check_bad_arguments() {
    fixture_start
    gone=$(absent_pid)
    echo "not a program" > not-executable
    expect_error 2 "no such process" maps -p "$gone"
    expect_error 2 "" query -p "$gone" 0x1000
    expect_error 2 "" record -p "$gone" --duration 1s -o rec
    expect_error 64 "abc" maps -p abc
    expect_error 64 "" maps -p "$FIXTURE_PID" --backend fast
    expect_error 64 "xyz" query -p "$FIXTURE_PID" xyz
    expect_error 64 "" record -o rec
    expect_error 64 "" record -p "$FIXTURE_PID" -a -o rec
    expect_error 64 "too short" record -p "$FIXTURE_PID" --interval 0ms -o rec
    expect_error 64 "" record -p "$FIXTURE_PID" --duration 2 -o rec
    expect_error 127 "" record -o rec -- ./absent-command
    chmod 644 not-executable
    expect_error 126 "" record -o rec -- ./not-executable
    expect_error 64 "" lookup rec --pid abc --time 1 0x1000
    expect_error 64 "" frobnicate
}

# ---- Kernel events (issue 12) ----

# The events part of record's summary line, the last line of file $1:
# "N M K W" for "; events: N processes, M changes found by walks only, K
# records lost in W windows", empty if it has none.
events_summary() {
    tail -n 1 "$1" | sed -nE 's/.*; events: ([0-9]+) process(es)?, ([0-9]+) changes? found by walks only, ([0-9]+) records? lost in ([0-9]+) windows?\) \]$/\1 \3 \4 \5/p'
}

# A shell command starting COUNT children one after another, each /bin/true,
# which lives a millisecond or so: the shell's pid goes to ./shell, the
# children's to ./children.
children_command() {
    echo "echo \$\$ > shell; for i in \$(seq $1); do /bin/true & echo \$! >> children; wait; done"
}

# expect_children_recorded COUNT: the recording ./rec has every child
# children_command started, COUNT of them, and the summary (./err) counts
# most as found by events: a periodic round may find one child (they live
# one at a time) before its events are read, so at least COUNT less the
# rounds.
expect_children_recorded() {
    [ "$(wc -l < children)" -eq "$1" ] || fail "the shell started $(wc -l < children) children, expected $1"
    summary=$(tail -n 1 err)
    set -- "$1" $(events_summary err)
    [ $# -eq 5 ] || fail "$COMMAND: no events part in the summary: $summary"
    from_events=$2
    vm info rec --json
    expect_status 0
    rounds=$(json_value rounds < out)
    [ "$from_events" -ge $(($1 - rounds)) ] ||
        fail "the summary counts $from_events processes found by events, expected at least $1 children less $rounds rounds: $summary"
    vm timeline rec
    expect_status 0
    timeline_pids > recorded
    missing=$(grep -vxFf recorded children | tr '\n' ' ')
    [ -z "$missing" ] || fail "children not in the recording ($(grep -cvxFf recorded children) of $1): $missing"
}

# The fixture's script for the event-dated checks: answers 1 ping, 2 sleep,
# 3 dlopen liba.so, 4 sleep, 5 time, 6 dlclose, 7 sleep (1 s: the walk an
# unmap event prompts comes within it).
events_script() {
    echo "ping; sleep 600; dlopen $LIBA; sleep 300; time; dlclose 0; sleep 1000"
}

# expect_dated EVENT FROM TO: the fixture's (./answers) EVENT of liba.so in
# the timeline of ./rec is dated between answers FROM and TO (their NOW).
expect_dated() {
    pid=$(sed -n 1p answers | cut -d' ' -f2)
    vm timeline rec --pid "$pid" --json
    expect_status 0
    time=$(grep "\"event\":\"$1\",\"path\":\"$LIBA\"" out | json_fields time | head -n 1)
    [ -n "$time" ] || fail "$COMMAND: no $1 of liba.so"
    from=$(sed -n "${2}p" answers | awk '{ print $NF }')
    to=$(sed -n "${3}p" answers | awk '{ print $NF }')
    time=$(ns "$time")
    [ "$time" -ge "$from" ] && [ "$time" -le "$to" ] ||
        fail "liba.so's $1 is dated $(seconds "$time"), not between $(seconds "$from") and $(seconds "$to"), when the fixture made it"
}

# `--events on` as root: 50 children of a shell that each live a millisecond
# or so are all in the recording (at the 100 ms default interval walks find
# few of them), and the summary line counts them.
check_events_short_children() {
    vm record -o rec --events on -- sh -c "$(children_command 50)"
    expect_status 0
    [ "$(wc -l < err)" -eq 1 ] || fail "$COMMAND printed more than its summary: $(head -n 1 err)"
    expect_children_recorded 50
}

# `--events on --unmap-events` as root: a dlclose'd library's load is in the
# timeline at its MMAP2's time, and its unload soon after the dlclose, at
# the walk its munmap event prompts (the recorder dates an unload by that
# walk, not by the munmap itself). At a 10 s interval no periodic walk comes
# between the start and the exit, so only the events can date them (without
# unmap events the unload is not seen at all before the exit). Twice, each in a mount namespace of its own: with tracefs
# mounted (the guests' init mounts it), and with none, which the recorder
# mounts privately for itself and unmounts (the host has none mounted).
check_events_unmap_dated() {
    for tracefs in mounted unmounted; do
        mkdir "$tracefs"
        cd "$tracefs"
        if [ "$tracefs" = mounted ]; then
            prepare="grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts || mount -t tracefs nodev /sys/kernel/tracing"
        else
            # debugfs too: its tracing folder mounts tracefs when looked at.
            prepare="for path in /sys/kernel/tracing /sys/kernel/debug/tracing /sys/kernel/debug; do umount \$path 2> /dev/null; done;"
            prepare="$prepare ! grep -q ' tracefs ' /proc/self/mounts"
        fi
        COMMAND="vmasnap record --events on --unmap-events (tracefs $tracefs)"
        unshare -m sh -c "$prepare && \"\$@\" > answers 2> err; echo \$? > status; grep ' tracefs ' /proc/self/mounts > mounts-after" \
            sh "$VMASNAP" record -o rec --interval 10s --events on --unmap-events -- "$FIXTURE" --script "$(events_script)"
        [ -s status ] || fail "$COMMAND: tracefs could not be made $tracefs in a mount namespace"
        STATUS=$(cat status)
        expect_status 0
        [ "$(wc -l < err)" -eq 1 ] && [ -n "$(events_summary err)" ] ||
            fail "$COMMAND: stderr is not one summary line with events: $(head -n 2 err | tr '\n' '|')"
        if [ "$tracefs" = unmounted ]; then
            [ ! -s mounts-after ] || fail "$COMMAND left tracefs mounted: $(head -n 1 mounts-after)"
            # (Not on the host, where other programs' tests may use /tmp.)
            if [ -n "${KERNEL_MATRIX_GUEST-}" ] && ls -d /tmp/vmasnap-tracefs-* > /dev/null 2>&1; then
                fail "$COMMAND left $(ls -d /tmp/vmasnap-tracefs-* | head -n 1)"
            fi
        fi
        expect_dated load 2 3
        expect_dated unload 5 7
        cd ..
    done
}

# `--events off`: no events part in the summary line, and the walks still
# record the load and the unload.
check_events_off() {
    vm record -o rec --events off --interval 50ms -- "$FIXTURE" --script "$(events_script)"
    expect_status 0
    mv out answers
    [ "$(wc -l < err)" -eq 1 ] || fail "$COMMAND printed more than its summary: $(head -n 1 err)"
    case $(cat err) in "[ vmasnap record: Captured and wrote "*" changes) ]") ;; *) fail "$COMMAND: summary line: $(cat err)" ;; esac
    pid=$(sed -n 1p answers | cut -d' ' -f2)
    vm timeline rec --pid "$pid" --json
    expect_status 0
    grep -q "\"event\":\"load\",\"path\":\"$LIBA\"" out || fail "$COMMAND: no load of liba.so"
    grep -q "\"event\":\"unload\",\"path\":\"$LIBA\"" out || fail "$COMMAND: no unload of liba.so"
}

# set_paranoid LEVEL: sets perf_event_paranoid, in a guest only; the check's
# end (cleanup) puts back the level it had.
set_paranoid() {
    [ -n "${KERNEL_MATRIX_GUEST-}" ] || fail "perf_event_paranoid must not be changed on the host"
    [ -n "$PARANOID_SAVED" ] || PARANOID_SAVED=$(cat "$PARANOID")
    echo "$1" > "$PARANOID" || fail "cannot set perf_event_paranoid to $1"
    [ "$(cat "$PARANOID")" = "$1" ] || fail "perf_event_paranoid is $(cat "$PARANOID") after setting $1"
}

# The unprivileged user's kernel events at each perf_event_paranoid level:
# in the guests 3 (Debian's default, whose kernels forbid unprivileged
# perf_event_open at 3: an upstream kernel would take 3 as 2), 2 (one's own
# processes) and 0 (also system-wide); on the host only its own level,
# unchanged. A root check, since it sets the level; the recordings are the
# user's (run-as), in a folder of the user's own.
check_events_unprivileged() {
    if [ -n "${KERNEL_MATRIX_GUEST-}" ]; then levels="3 2 0"; else levels=$(cat "$PARANOID"); fi
    mkdir user
    chown "$USER_ID:$USER_ID" user
    cd user
    AS_USER="$RUN_AS $USER_ID $USER_ID"
    for level in $levels; do
        [ -z "${KERNEL_MATRIX_GUEST-}" ] || set_paranoid "$level"
        echo "-- perf_event_paranoid $level"
        rm -f rec shell children
        if [ "$level" -ge 3 ]; then
            denial="perf_event_paranoid is $level (needs 2 or below, or CAP_PERFMON)"
            # auto: one line says why, the walks record (and that perf's
            # clock, which needs a perf event too, is not measured either).
            vm record -o rec -- sh -c "$(children_command 5)"
            expect_status 0
            [ "$(wc -l < err)" -eq 2 ] && [ "$(head -n 1 err)" = "vmasnap: note: kernel events off ($denial): processes and changes are found by walks only; perf's clock cannot be measured either: perf.data must then be recorded with -k CLOCK_MONOTONIC to match exactly" ] ||
                fail "$COMMAND at perf_event_paranoid $level: stderr: $(head -n 3 err | tr '\n' '|')"
            [ -z "$(events_summary err)" ] || fail "$COMMAND at perf_event_paranoid $level: an events part: $(tail -n 1 err)"
            vm timeline rec
            timeline_pids | grep -qx "$(cat shell)" || fail "$COMMAND at perf_event_paranoid $level: the shell is not recorded"
            rm -f rec
            expect_error 1 "vmasnap: --events on: kernel tracking events are not permitted: $denial" record -o rec --events on -- /bin/true
            [ ! -e rec ] || fail "$COMMAND created its file when refused"
        else
            # Its own command's children, every one.
            vm record -o rec --events on -- sh -c "$(children_command 20)"
            expect_status 0
            [ "$(wc -l < err)" -eq 1 ] || fail "$COMMAND printed more than its summary: $(head -n 1 err)"
            expect_children_recorded 20
            # Syscall tracepoints need the tracefs ids, which are root's:
            # auto goes on without them, on fails. At a 10 s interval only
            # its MMAP2 can date the load.
            rm -f rec
            vm record -o rec --interval 10s --unmap-events -- "$FIXTURE" --script "$(events_script)"
            expect_status 0
            mv out answers
            [ "$(wc -l < err)" -eq 2 ] && grep -q '^vmasnap: note: unmap events off (tracefs .*): unmaps are found by walks only$' err ||
                fail "$COMMAND: stderr: $(head -n 2 err | tr '\n' '|')"
            [ -n "$(events_summary err)" ] || fail "$COMMAND: no events part in the summary: $(tail -n 1 err)"
            expect_dated load 2 3
            rm -f rec
            expect_error 1 "vmasnap: --unmap-events: syscall tracepoints are not permitted: tracefs" \
                record -o rec --events on --unmap-events -- /bin/true
            [ ! -e rec ] || fail "$COMMAND created its file when refused"
            # The whole machine: at 0 or below only.
            if [ "$level" -ge 1 ]; then
                expect_error 1 "vmasnap: --events on: kernel tracking events are not permitted: perf_event_paranoid is $level (needs 0 or below, or CAP_PERFMON)" \
                    record -a --duration 1s -o rec --events on
                [ ! -e rec ] || fail "$COMMAND created its file when refused"
            else
                vm record -a --interval 250ms --duration 1s -o rec --events on
                expect_status 0
                [ -n "$(events_summary err)" ] || fail "$COMMAND: no events part in the summary: $(tail -n 1 err)"
                ! grep -q "note: kernel events off" err || fail "$COMMAND: $(grep "note: kernel events off" err)"
            fi
        fi
    done
    if [ -n "${KERNEL_MATRIX_GUEST-}" ]; then
        echo "perf_event_paranoid $(echo $levels | sed 's/ /, /g') (then $PARANOID_SAVED again)" > "$CHECK_DIR/note"
    else
        echo "perf_event_paranoid $levels only (the host's, unchanged)" > "$CHECK_DIR/note"
    fi
}

# ---- Unprivileged user checks (uid 4711, no capabilities) ----

# Recording its own command: the loads and unloads, a file it owns, 0600.
user_check_record_own_command() {
    vm record -o rec --interval 50ms -- "$FIXTURE" --script \
        "ping; sleep 300; dlopen $LIBA; sleep 300; dlclose 0; sleep 300"
    expect_status 0
    pid=$(sed -n 1p out | cut -d' ' -f2)
    [ "$(stat -c '%u %a' rec)" = "$USER_ID 600" ] || fail "the recording's owner and mode: $(stat -c '%u %a' rec)"
    vm timeline rec --pid "$pid" --json
    expect_status 0
    grep -q "\"event\":\"load\",\"path\":\"$LIBA\"" out || fail "timeline: no load of liba.so"
    grep -q "\"event\":\"unload\",\"path\":\"$LIBA\"" out || fail "timeline: no unload of liba.so"
}

# Live maps of its own process: the lines of /proc/PID/maps.
user_check_maps_own_process() {
    fixture_start
    ask dlopen "$LIBA"
    vm maps -p "$FIXTURE_PID"
    expect_status 0
    proc_exec_lines "$FIXTURE_PID" > want
    vmasnap_lines > got
    same want got "vmasnap maps differs from /proc/$FIXTURE_PID/maps"
}

# The build IDs of its own process's files, which this user can read.
user_check_build_ids_own_process() {
    fixture_start
    ask dlopen "$LIBA"
    ask dlopen "$LIBB"
    vm maps -p "$FIXTURE_PID"
    expect_status 0
    expect_build_ids "as uid $USER_ID"
}

# Another user's process: permission denied (status 3), one line.
user_check_other_users_process_refused() {
    expect_error 3 "permission denied" maps -p "$ROOT_PID"
    expect_error 3 "permission denied" query -p "$ROOT_PID" 0x1000
}

# `record -a` as this user: its own processes in, root's counted and out.
user_check_record_all() {
    vm record -a --interval 250ms --duration 1s -o rec
    expect_status 0
    grep -q "^vmasnap: [0-9]* process.* could not be read" err || fail "record -a: no line on unreadable processes: $(head -n 1 err)"
    vm timeline rec
    expect_status 0
    timeline_pids > recorded
    grep -qx "$$" recorded || fail "record -a: this check's shell ($$) is not recorded"
    ! grep -qx "$ROOT_PID" recorded || fail "record -a: root's process $ROOT_PID is in an unprivileged recording"
}

case ${3-} in
    one) run_one "$4" ;;
    *) run_all ;;
esac
