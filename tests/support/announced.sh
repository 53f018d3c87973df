# Sourced by the suites' scripts. Every server they start binds a port of the kernel's choosing
# and says which: a port picked by one process and handed to another could be taken by a third
# binding port 0 in between.
#
# announced PID FILE PATTERN: waits for the sed PATTERN's first match in FILE, written by PID
# once it listens, and prints it; fails if PID exits first.
announced() {
    local found=""
    while [ -z "$found" ] && kill -0 "$1" 2>/dev/null; do
        sleep 0.1
        found="$(sed -n "$3" "$2" | head -n 1)"
    done
    [ -n "$found" ] && echo "$found"
}
