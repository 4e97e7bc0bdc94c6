"""Launcher configs for the centricity model: joblib on every core, Ray and SLURM (see launcher_schemas)."""
