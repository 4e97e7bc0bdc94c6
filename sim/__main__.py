"""``python -m sim``: one run or a sweep, configured with Hydra (see :mod:`sim.cli`)."""

from sim.cli import main

if __name__ == "__main__":
    main()
