"""``python -m sim.validation``: the twelve patterns at the report's scale, into docs/VALIDATION.md."""

from sim.validation.report import main

if __name__ == "__main__":
    main()
