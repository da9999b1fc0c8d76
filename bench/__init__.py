"""leakdesk benchmarks: one command each (python -m bench.NAME)."""
