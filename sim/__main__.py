"""``python -m sim``: one run or a sweep, configured with Hydra (see :mod:`sim.study.cli`)."""

from sim.study.cli import main

if __name__ == "__main__":
    main()
