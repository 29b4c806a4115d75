# threat: dropping the runtime: exec a fresh interpreter with an empty environment (no LD_PRELOAD), then open a socket
# expect: blocked
import os
import sys

if len(sys.argv) > 4 and sys.argv[4] == "inner":
    import socket
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        print("ATTACK-SUCCEEDED the exec'd interpreter opened a socket", flush=True)
    except OSError as e:
        print("ATTACK-BLOCKED", e, flush=True)
    sys.exit(0)
os.execve(sys.executable, [sys.executable, __file__] + sys.argv[1:4] + ["inner"], {})
