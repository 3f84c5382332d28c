from __future__ import annotations

from govern_as_code.cli.main import main

if __name__ == "__main__":
    main()
