# threat: the network: a listening TCP socket (reverse shells, exfiltration)
# expect: blocked
import socket
from attacklib import attempt, succeeded

def attack():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen()
    succeeded(f"listening on {s.getsockname()}")

attempt(attack)
