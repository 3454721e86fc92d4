# shellcheck shell=bash
# Shell functions shared by mariadb-private.sh and galera-private.sh: free
# loopback ports, whether a server runs, and a client as administrator.
# Sourced, not run; the caller sets os_user (the OS user that
# mariadb-install-db's socket authentication lets in).

# free_ports COUNT: COUNT distinct free ports below Linux's ephemeral range (32768 and up), so
# that outgoing connections cannot take them while a node is down.
free_ports() {
  local python=/usr/bin/python3
  [ -x "$python" ] || python=python3
  "$python" - "$1" <<'PY'
import random, socket, sys
wanted, found = int(sys.argv[1]), []
for _ in range(2000):
    port = random.randint(20000, 32000)
    if port in found:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    found.append(port)
    if len(found) == wanted:
        break
else:
    raise SystemExit("not enough free ports found")
print(*found)
PY
}

alive() {  # alive PID: is it running? A zombie is not.
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }  # the state follows the command name in parentheses
  [ "${stat%% *}" != Z ]
}

server_pid() {  # server_pid DIR: prints the pid of the live server of DIR, fails if none
  local pid
  [ -f "$1/mariadb.pid" ] || return 1
  pid=$(cat "$1/mariadb.pid" 2>/dev/null) || return 1
  # A stale pid file (after a kill -9) may name a reused pid: check the name too.
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ] && alive "$pid" || return 1
  echo "$pid"
}

port_taken() {  # port_taken LOG: did the server that wrote LOG die because its port was taken?
  tail -n 30 "$1" 2>/dev/null | grep -q "Address already in use"
}

give_up() {  # give_up LOG MESSAGE: says why a start failed, with the end of LOG (log: the caller's)
  log "$2; the end of $1:"
  tail -n 40 "$1" >&2 || true
}

# shellcheck disable=SC2154  # os_user: set by the script that sources this
client() {  # client DIR PROGRAM ARGS...: a client as administrator over the socket in DIR
  "$2" --no-defaults --protocol=SOCKET --socket="$1/mysqld.sock" -u"$os_user" --connect-timeout=5 "${@:3}"
}
