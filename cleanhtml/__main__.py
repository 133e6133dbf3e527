"""``python -m cleanhtml``."""

from cleanhtml.cli import main

if __name__ == "__main__":
    main()
