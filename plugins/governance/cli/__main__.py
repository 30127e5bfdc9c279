"""``python -m governance.cli``."""

import sys

from governance.cli import main

if __name__ == "__main__":
    sys.exit(main())
