# threat: secrets inherited in the environment (os.environ)
# expect: blocked
import os
from attacklib import SECRET, blocked, succeeded

leaked = [k for k, v in os.environ.items() if SECRET in v]
if leaked:
    succeeded(f"os.environ holds the secret in {leaked}")
else:
    blocked(f"no secret among {sorted(os.environ)}")
