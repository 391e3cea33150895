"""gardener in a child process, as a terminal starts it."""

from __future__ import annotations

import sys

GARDENER = (
    sys.executable,
    "-c",
    "import signal, runpy; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('loggardener', run_name='__main__')",
)
"""`python -m loggardener` with Ctrl-C (SIGINT) raising KeyboardInterrupt: a shell starts a background job (`&`,
`nohup`, a CI runner's step) with SIGINT ignored, a child inherits that, and Python then leaves it ignored."""
