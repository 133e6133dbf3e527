"""``python -m cleanhtml``."""

from cleanhtml.guard import run

if __name__ == "__main__":
    run()
