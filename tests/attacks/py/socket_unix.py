# threat: local daemons' sockets (AF_UNIX), e.g. a docker or dbus socket
# expect: blocked
import socket
from attacklib import attempt, succeeded

def attack():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0interpose-attack")
    succeeded("bound an AF_UNIX socket")

attempt(attack)
