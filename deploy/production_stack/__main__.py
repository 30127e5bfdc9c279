"""``scripts/production-stack``: run the compose stack here until Ctrl-C (see that script)."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from production_stack.stack import WORKER, LocalStack  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subjects", type=int, default=2000, help="DEMO_SUBJECTS")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="production-stack-"))
    stack = LocalStack(
        folder, env={"DEMO_SUBJECTS": str(args.subjects)}, scale={WORKER: args.workers}
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    started = time.monotonic()
    try:
        stack.start()
        cli = folder / "cli.env"
        cli.write_text(
            "".join(f"export {k}={shlex.quote(v)}\n" for k, v in stack.cli_environment().items())
        )
        cli.chmod(0o600)
        print(f"production stack up in {time.monotonic() - started:.0f} s: {stack.api_url}")
        for user, password in stack.passwords().items():
            print(f"  {user}: {password}")
        print(f"  processes and logs: {folder}/services; CLI environment: source {cli}")
        print(stack.describe())
        while all(p.alive() for p in stack.processes.values()):
            time.sleep(2)
        print("a service exited:\n" + stack.describe(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
