# Shared by the shell tests that interrupt cpwl (sourced, not run).
#
# wait_catching PID: wait (at most 5 s) until process PID catches SIGINT.
# A background job of a non-interactive shell starts with SIGINT ignored
# until cpwl installs its handler, so a signal sent earlier is lost and the
# test would measure the loader, not cpwl.  Linux: the SigCgt mask of
# /proc/PID/status; elsewhere a fixed second.
wait_catching() {
    if [ ! -r "/proc/$1/status" ]; then
        sleep 1
        return
    fi
    _i=0
    while [ -r "/proc/$1/status" ] && [ "$_i" -lt 100 ]; do
        _mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status")
        [ -n "$_mask" ] && [ $((0x$_mask & 2)) -ne 0 ] && return
        sleep 0.05
        _i=$((_i + 1))
    done
}

# interrupt PID: send SIGINT to PID, wait at most 30 s for it to stop
# (polling, not a background guard: a killed guard subshell can run the
# script's exit trap, which removes $tmp), kill it if it has not, and set
# $status to its exit status.
interrupt() {
    kill -INT "$1" 2>/dev/null
    _i=0
    while kill -0 "$1" 2>/dev/null && [ "$_i" -lt 3000 ]; do
        sleep 0.01
        _i=$((_i + 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1"
    status=$?
}
