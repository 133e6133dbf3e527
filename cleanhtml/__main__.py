"""``python -m cleanhtml``."""

from cleanhtml.cli import run

if __name__ == "__main__":
    run()
